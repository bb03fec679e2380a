import type { Language } from "../i18n/i18n";

/**
 * UN/CEFACT Rec 20 codes the API stores, with the names people write on a scale ticket: a clerk
 * picks 千克, the API receives KGM.
 */
export const UNITS: { code: string; zh: string; en: string }[] = [
  { code: "KGM", zh: "千克", en: "kg" },
  { code: "TNE", zh: "吨", en: "t" },
  { code: "GRM", zh: "克", en: "g" },
  { code: "LTR", zh: "升", en: "L" },
  { code: "H87", zh: "件", en: "pieces" },
];

export function unitName(code: string, language: Language): string {
  const unit = UNITS.find((candidate) => candidate.code === code);
  return unit ? unit[language] : code;
}

export function formatQuantity(
  quantity: { value: number; unit: string } | undefined,
  language: Language,
): string {
  if (!quantity) return "";
  return `${quantity.value.toLocaleString(language === "zh" ? "zh-CN" : "en")} ${unitName(quantity.unit, language)}`;
}
