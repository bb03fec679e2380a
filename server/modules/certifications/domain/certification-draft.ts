import type { CertificationMessage, SubjectKind } from "./certification-typed-data";

/**
 * The human-friendly certification a certifier writes (the JSON file `scripts/certify.ts` reads),
 * and its conversion to the exact EIP-712 message. Dates may be ISO dates or date-times; a date
 * without a time is read in China Standard Time (UTC+08:00): `issuedAt`/`validFrom` at 00:00:00
 * and `validUntil` at 23:59:59 of that day.
 */
export interface CertificationDraft {
  subject: { kind: SubjectKind; id: string; plot?: string };
  scheme: string;
  certificateNumber: string;
  issuedAt: string;
  validFrom: string;
  validUntil: string;
  scope?: { category?: string; regionCodePrefix?: string };
  quantityCap?: { value: number | string; unit: string };
  evidence?: string[];
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function draftToMessage(
  draft: CertificationDraft,
  certifier: string,
  salt: string,
): CertificationMessage {
  return {
    certifier: certifier.toLowerCase(),
    subject: { kind: draft.subject.kind, id: draft.subject.id, plot: draft.subject.plot ?? "" },
    scheme: draft.scheme,
    certificateNumber: draft.certificateNumber,
    issuedAt: toUnixSeconds(draft.issuedAt, "start", "issuedAt"),
    validFrom: toUnixSeconds(draft.validFrom, "start", "validFrom"),
    validUntil: toUnixSeconds(draft.validUntil, "end", "validUntil"),
    scope: { category: draft.scope?.category ?? "", regionCodePrefix: draft.scope?.regionCodePrefix ?? "" },
    quantityCap: draft.quantityCap
      ? scaleQuantity(draft.quantityCap)
      : { amount: "0", decimals: 0, unit: "" },
    evidence: (draft.evidence ?? []).map((hash) => normalizeSha256(hash)),
    salt: salt.toLowerCase(),
  };
}

export function toUnixSeconds(value: string, endOfDay: "start" | "end", field: string): number {
  const iso = DATE_ONLY.test(value)
    ? `${value}T${endOfDay === "start" ? "00:00:00" : "23:59:59"}+08:00`
    : value;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms))
    throw new TypeError(`${field} must be an ISO 8601 date or date-time, not ${value}`);
  return Math.floor(ms / 1000);
}

/** 1234.5 KGM → { amount: "12345", decimals: 1 }: an exact integer, as EIP-712 needs. */
export function scaleQuantity(cap: {
  value: number | string;
  unit: string;
}): CertificationMessage["quantityCap"] {
  const text = String(cap.value);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match || Number(text) <= 0)
    throw new TypeError(`quantityCap.value must be a positive decimal, not ${text}`);
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > 18) throw new TypeError("quantityCap.value has more than 18 decimals");
  const amount = BigInt(`${match[1]}${fraction}`).toString();
  return { amount, decimals: fraction.length, unit: cap.unit };
}

function normalizeSha256(hash: string): string {
  const hex = hash.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError(`evidence ${hash} is not a SHA-256 hex digest`);
  return `0x${hex}`;
}
