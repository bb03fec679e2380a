import type { LicenceStatus } from "../../brands";
import type { Check } from "./checks";

/**
 * The brand claim of a batch as verdict evidence: the licences behind it (the batch's own and,
 * for a batch that inherited its brand, those of the branded inputs it came from) with their
 * current status on the brand's licence register (decision 0010). Pure, like the verdict.
 *
 * - revoked (or a licence that is not on record): the brand claim is no longer backed. The check
 *   fails and the verdict is `revoked`, in the same slot as a revoked certificate.
 * - suspended: a warning only. The claim was valid when the quota was taken and stands unless
 *   the brand owner revokes the licence; the verdict does not change.
 */
export interface LicenceEvidence {
  licenceId: string;
  /** A readable name: brand, licence id, producer, category and period. */
  name: string;
  status: LicenceStatus | "missing";
  /** The brand owner's reason for the current status, if one was given. */
  reason: string | null;
  /** When the status was last changed (ISO 8601), null when the licence is missing. */
  changedAt: string | null;
}

export function checkLicences(licences: readonly LicenceEvidence[]): Check {
  const revoked = licences.filter((licence) => licence.status === "revoked" || licence.status === "missing");
  if (revoked.length > 0) {
    return {
      name: "brand-licence",
      status: "fail",
      detail: `the brand claim is no longer backed: ${list(revoked.map(describe))}`,
    };
  }
  const suspended = licences.filter((licence) => licence.status === "suspended");
  if (suspended.length > 0) {
    return {
      name: "brand-licence",
      status: "warn",
      detail: `${list(suspended.map(describe))}; the brand claim stands unless the licence is revoked`,
    };
  }
  return { name: "brand-licence", status: "pass", detail: list(licences.map(describe)) };
}

function describe(licence: LicenceEvidence): string {
  if (licence.status === "missing") return `${licence.name} is not on record`;
  if (licence.status === "active") return `${licence.name} is active`;
  const verb = licence.status === "revoked" ? "was revoked" : "is suspended";
  const since = licence.changedAt
    ? ` ${licence.status === "revoked" ? "at" : "since"} ${licence.changedAt}`
    : "";
  return `${licence.name} ${verb} by the brand owner${since}${licence.reason ? `: ${licence.reason}` : ""}`;
}

function list(items: string[], max = 3): string {
  return items.length <= max
    ? items.join("; ")
    : `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}
