import { Types } from "mongoose";
import { BatchRepository, appendEvent } from "../batches";
import { CoverageRepository } from "./data/coverage.repository";
import type { CertificationDoc } from "./data/certification.model";
import { TraceEventRepository, cbvTermsFor, materializeHead, type UseCaseContext } from "../ledger";
import { coverageOf, withinCap, type CoverageVia } from "./domain/certification-coverage";
import { coveredByRule } from "./coverage-lookup";

/** A claim older than this whose event is missing was left by a writer that died; it is redone. */
const STALE_CLAIM_MS = 60_000;

/**
 * Appends a `certifying` event (hashed, chained and anchored like any event) to every batch the
 * certification covers within its cap and that has none yet. Each (certification, batch) pair is
 * claimed first with an atomic upsert, so concurrent calls append one event per batch. Returns all
 * recorded coverage of the certification.
 */
export async function recordCoverage(ctx: UseCaseContext, certification: CertificationDoc) {
  const batches = await coveredByRule(ctx, certification);
  const caps = withinCap(certification.typedData.message.quantityCap, batches);
  for (const batch of batches) {
    if (!caps.get(batch.id)) continue;
    const via = coverageOf(certification.typedData.message, batch)!;
    if (await claimCoverage(ctx, certification, batch.id, via))
      await appendCertifying(ctx, certification, batch.id, via);
  }
  await redoStaleClaims(ctx, certification);
  const recorded = await new CoverageRepository(ctx.connection).recordedOf(certification._id);
  return recorded.map((item) => ({
    batchId: item.batchId.toHexString(),
    via: item.via,
    eventId: item.eventId!.toHexString(),
    eventHash: item.eventHash!,
  }));
}

async function claimCoverage(
  ctx: UseCaseContext,
  certification: CertificationDoc,
  batchId: string,
  via: CoverageVia,
): Promise<boolean> {
  return new CoverageRepository(ctx.connection).claim(certification._id, batchId, via, ctx.now().getTime());
}

async function appendCertifying(
  ctx: UseCaseContext,
  certification: CertificationDoc,
  batchId: string,
  via: CoverageVia,
): Promise<void> {
  const { domain, message } = certification.typedData;
  const event = await appendEvent(ctx, batchId, certification.certifierOrgId.toHexString(), {
    type: "certifying",
    eventTime: ctx.now().toISOString(),
    ...cbvTermsFor("certifying", {}),
    data: {
      certificationId: certification._id.toHexString(),
      certHash: certification.certHash,
      scheme: certification.scheme,
      certificateNumber: certification.certificateNumber,
      certifier: certification.certifier,
      via,
      domain,
      message,
      signature: certification.signature,
    },
  });
  await markRecorded(ctx, certification, batchId, event._id, event.hash);
}

async function markRecorded(
  ctx: UseCaseContext,
  certification: CertificationDoc,
  batchId: string,
  eventId: Types.ObjectId,
  eventHash: string,
): Promise<void> {
  await new CoverageRepository(ctx.connection).markRecorded(certification._id, batchId, eventId, eventHash);
}

/** Claims whose writer died before recording: use the event if it was appended, else append it. */
async function redoStaleClaims(ctx: UseCaseContext, certification: CertificationDoc): Promise<void> {
  const coverage = new CoverageRepository(ctx.connection);
  const stale = await coverage.staleClaimsOf(certification._id, ctx.now().getTime() - STALE_CLAIM_MS);
  for (const claim of stale) {
    if (!(await coverage.refreshClaim(claim, ctx.now().getTime()))) continue;
    // The event may be committed to the batch head but not yet inserted (writer died in between).
    const batch = await new BatchRepository(ctx.connection).findById(claim.batchId);
    if (batch) await materializeHead(ctx, batch);
    const existing = await new TraceEventRepository(ctx.connection).findOneOf(claim.batchId, {
      type: "certifying",
      "body.data.certificationId": certification._id.toHexString(),
    });
    const batchId = claim.batchId.toHexString();
    if (existing) await markRecorded(ctx, certification, batchId, existing._id, existing.hash);
    else await appendCertifying(ctx, certification, batchId, claim.via);
  }
}
