/**
 * Certification schemes. The four national schemes for eco-products are built in; an admin adds
 * others through the API (stored in the database). A certification names its scheme by `code`.
 */
export interface CertificationScheme {
  code: string;
  name: string;
  nameEn?: string;
  description?: string;
  builtIn: boolean;
}

export const SCHEME_CODE_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

export const BUILT_IN_SCHEMES: readonly CertificationScheme[] = [
  {
    code: "organic",
    name: "有机产品",
    nameEn: "Organic product",
    description: "Organic product certification (GB/T 19630)",
    builtIn: true,
  },
  {
    code: "green-food",
    name: "绿色食品",
    nameEn: "Green food",
    description: "Green food mark licensed by the China Green Food Development Center",
    builtIn: true,
  },
  {
    code: "geographical-indication",
    name: "地理标志",
    nameEn: "Geographical indication",
    description: "Geographical indication product / agricultural product geographical indication",
    builtIn: true,
  },
  {
    code: "eco-origin",
    name: "生态原产地",
    nameEn: "Eco-origin product",
    description: "Eco-origin product protection",
    builtIn: true,
  },
];

export function builtInScheme(code: string): CertificationScheme | undefined {
  return BUILT_IN_SCHEMES.find((scheme) => scheme.code === code);
}
