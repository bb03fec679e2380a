import type { Finding } from "./audit";

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
