/**
 * GS1 link types this resolver offers (GS1 Web Vocabulary, https://ref.gs1.org/voc/) and how a
 * request names one: `?linkType=gs1:pip`, the full IRI under either GS1 namespace, or `all` /
 * `linkset` for the whole linkset (GS1-Conformant Resolver 1.1 and 1.2 spellings).
 */
export const GS1_VOC = "https://ref.gs1.org/voc/";

export const OFFERED_LINK_TYPES = [
  "defaultLink",
  "pip",
  "certificationInfo",
  "traceability",
  "recallStatus",
] as const;
export type OfferedLinkType = (typeof OFFERED_LINK_TYPES)[number];

export type LinkTypeRequest =
  { kind: "none" } | { kind: "linkset" } | { kind: "type"; name: string; offered: OfferedLinkType | null };

const NAMESPACES = ["gs1:", GS1_VOC, "https://gs1.org/voc/", "https://www.gs1.org/voc/"];

export function parseLinkType(raw: unknown): LinkTypeRequest {
  if (typeof raw !== "string" || raw === "") return { kind: "none" };
  if (raw === "all" || raw === "linkset") return { kind: "linkset" };
  const prefix = NAMESPACES.find((namespace) => raw.startsWith(namespace));
  const name = prefix ? raw.slice(prefix.length) : raw;
  const offered = prefix ? OFFERED_LINK_TYPES.find((type) => type === name) : undefined;
  return { kind: "type", name, offered: offered ?? null };
}

export function linkTypeIri(type: OfferedLinkType): string {
  return `${GS1_VOC}${type}`;
}
