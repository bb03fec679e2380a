/** The checks a verdict is made of, in the order pages list them (verdict.ts decides). */
export type CheckStatus = "pass" | "fail" | "pending" | "warn";

export const CHECK_NAMES = [
  "record",
  "event-hashes",
  "hash-chain",
  "lineage",
  "merkle-proofs",
  "on-chain",
  "disclosure",
  "certificate-signatures",
  "certificate-coverage",
  "recall",
  "certifications",
  "brand-licence",
  "anchoring",
  "completeness",
  "label-scans",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface Check {
  name: CheckName;
  status: CheckStatus;
  detail: string;
}

/** What the chain answered, or that it could not be read (a verdict then stays pending). */
export type ChainAnswer<T> = T | "unreachable";
