import type { Finding } from "./findings";

/** A stored certification: typed data, signature and the copies that name its certifier. */
export interface AuditedCertification {
  id: string;
  batchId: string | null;
  certHash: string;
  certifier: string;
  /** Recovered signer and recomputed digest, or the error that stopped recovery. */
  recovered: { signer: string; certHash: string } | { error: string };
  messageCertifier: string;
}

export function checkCertification(cert: AuditedCertification): Finding[] {
  const at = { batchId: cert.batchId, certificationId: cert.id };
  if ("error" in cert.recovered) {
    return [
      {
        kind: "bad_certification_signature",
        ...at,
        detail: `signature does not verify: ${cert.recovered.error}`,
      },
    ];
  }
  const problems: string[] = [];
  const signer = cert.recovered.signer.toLowerCase();
  if (signer !== cert.messageCertifier.toLowerCase())
    problems.push(
      `recovered signer ${signer} is not message.certifier ${cert.messageCertifier.toLowerCase()}`,
    );
  if (signer !== cert.certifier.toLowerCase())
    problems.push(`recovered signer ${signer} is not the stated certifier ${cert.certifier.toLowerCase()}`);
  if (cert.recovered.certHash !== cert.certHash.toLowerCase())
    problems.push(`typed data hashes to ${cert.recovered.certHash}, not certHash ${cert.certHash}`);
  return problems.length > 0
    ? [{ kind: "bad_certification_signature", ...at, detail: problems.join("; ") }]
    : [];
}

/** The query copies of a stored certification next to the message its certifier signed. */
export interface StoredCertificationCopies {
  id: string;
  batchId: string | null;
  copies: {
    certifier: string;
    scheme: string;
    certificateNumber: string;
    subjectKind: string;
    subjectId: string;
    validFrom: number;
    validUntil: number;
  };
  message: {
    certifier?: unknown;
    scheme?: unknown;
    certificateNumber?: unknown;
    subject?: { kind?: unknown; id?: unknown };
    validFrom?: unknown;
    validUntil?: unknown;
  };
}

/**
 * The copies kept for queries (certifier, scheme, number, subject, validity) must restate the
 * signed message: pages and coverage rules read them, so an edit (a validUntil moved, a subject
 * changed) is a finding even though verdicts read only the signed message.
 */
export function checkCertificationCopies(cert: StoredCertificationCopies): Finding[] {
  const { copies, message } = cert;
  const signed: Record<keyof StoredCertificationCopies["copies"], unknown> = {
    certifier: String(message.certifier ?? "").toLowerCase(),
    scheme: message.scheme,
    certificateNumber: message.certificateNumber,
    subjectKind: message.subject?.kind,
    subjectId: message.subject?.id,
    validFrom: Number(message.validFrom),
    validUntil: Number(message.validUntil),
  };
  const problems = (Object.keys(signed) as (keyof typeof signed)[])
    .filter((field) => copies[field] !== signed[field])
    .map(
      (field) =>
        `${field} is ${JSON.stringify(copies[field])} but the signed message says ${JSON.stringify(signed[field])}`,
    );
  return problems.length > 0
    ? [
        {
          kind: "certification_field_mismatch",
          batchId: cert.batchId,
          certificationId: cert.id,
          detail: problems.join("; "),
        },
      ]
    : [];
}
