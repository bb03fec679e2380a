import { formatDigitalLink, type DigitalLinkKey } from "../batches";
import type { UseCaseContext } from "../ledger";
import { resolveBatchKey, type BatchVerifier } from "../verification";

/**
 * Whether a lot is recalled, as its verdict says: from the recalling events in the verified hash
 * chain of the lot and the batches it was made from (the shared verdict function decides, a
 * stored status never does). Null when no batch has this GTIN and lot.
 */
export async function recallStatus(
  ctx: UseCaseContext,
  verifier: BatchVerifier,
  baseUrl: string,
  key: DigitalLinkKey,
) {
  const resolved = await resolveBatchKey(ctx, key);
  if (!resolved.batch) return null;
  const verification = await verifier.verify(resolved.batch._id.toHexString(), resolved.batch);
  const recallCheck = verification.checks.find((check) => check.name === "recall") ?? null;
  const recalls = verification.found
    ? verification.records.bundle.events
        .filter((event) => event.body.type === "recalling")
        .map((event) => ({
          batchId: String(event.body.batchId),
          eventTime: event.body.eventTime ?? null,
          details: (event.body.data as Record<string, unknown> | undefined) ?? null,
        }))
    : [];
  return {
    anchor: formatDigitalLink(baseUrl, { gtin: key.gtin, lot: resolved.batch.lot }),
    recalled: recallCheck?.status === "fail",
    verdict: verification.verdict,
    recall: recallCheck ? { status: recallCheck.status, detail: recallCheck.detail } : null,
    recalls,
    checkedAt: verification.checkedAt,
  };
}
