import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import type { CapturedEventResult, EpcisCaptureDoc } from "./data/epcis-capture.model";
import { EpcisCaptureRepository, EpcisEventIdRepository } from "./data/epcis-capture.repository";
import { TraceEventRepository, findObservation, type UseCaseContext } from "../ledger";
import type { Reason } from "./domain/from-epcis";
import { CAPTURED_KEY, eventUri } from "./domain/to-epcis";
import { AppError, ConflictError } from "../../platform/errors";
import { findStoredEvent, storedStep, type StoredStep, type PlanStep } from "../ingest";

/**
 * The records that make a capture all-or-nothing and repeatable on an engine without
 * transactions: the capture record (one per organization and document, with its progress and a
 * heartbeat), the claimed eventIDs, and the check of whether an event of an interrupted capture is
 * already stored.
 */
export const CAPTURE_STALE_MS = 30_000;

/** eventIDs recorded before: by another capture, or EcoTrace's own event URIs of stored events. */
export async function duplicateEventIds(
  ctx: UseCaseContext,
  eventIDs: Map<string, number>,
  captureId: Types.ObjectId,
  base: string,
): Promise<Map<number, Reason>> {
  const duplicates = new Map<number, Reason>();
  if (eventIDs.size === 0) return duplicates;
  const claimed = await new EpcisEventIdRepository(ctx.connection).claimedByOthers(
    [...eventIDs.keys()],
    captureId,
  );
  for (const claim of claimed) {
    duplicates.set(eventIDs.get(claim.eventID)!, {
      code: "DUPLICATE_EVENT_ID",
      message: `eventID ${claim.eventID} was captured already (capture ${claim.captureId.toHexString()})`,
    });
  }
  const own = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/api/epcis/events/([0-9a-f]{24})$`);
  const ownIds = [...eventIDs.keys()].flatMap((eventID) => own.exec(eventID)?.[1] ?? []);
  if (ownIds.length > 0) {
    const stored = await new TraceEventRepository(ctx.connection).storedIds(ownIds);
    for (const id of stored) {
      const eventID = eventUri(base, id.toHexString());
      duplicates.set(eventIDs.get(eventID)!, {
        code: "DUPLICATE_EVENT_ID",
        message: `eventID ${eventID} is EcoTrace event ${id.toHexString()}, which is stored here already`,
      });
    }
  }
  return duplicates;
}

/** Creates the capture record, or takes over an interrupted one (compare-and-set on its heartbeat). */
export async function claimCapture(
  ctx: UseCaseContext,
  existing: EpcisCaptureDoc | null,
  fields: { captureId: Types.ObjectId; orgId: Types.ObjectId; documentHash: string; eventCount: number },
): Promise<Types.ObjectId> {
  const captures = new EpcisCaptureRepository(ctx.connection);
  const now = ctx.now();
  if (existing) {
    if (await captures.resume(existing, now)) return existing._id;
  } else if (await captures.claimNew(fields, now)) {
    return fields.captureId;
  }
  throw new ConflictError("the same document is being captured by another request; retry later");
}

/** Claims every eventID for this capture; if another capture holds one, gives back ours and refuses. */
export async function claimEventIds(
  ctx: UseCaseContext,
  captureId: Types.ObjectId,
  eventIDs: Map<string, number>,
  resumed: boolean,
) {
  const ids = new EpcisEventIdRepository(ctx.connection);
  const taken: string[] = [];
  const inserted: string[] = [];
  for (const [eventID, index] of eventIDs) {
    const result = await ids.claim(eventID, captureId, index, new Types.ObjectId());
    if (!result) inserted.push(eventID);
    else if (!(result.captureId as Types.ObjectId).equals(captureId)) taken.push(eventID);
  }
  if (taken.length === 0) return;
  await ids.release(captureId, inserted);
  if (!resumed) await new EpcisCaptureRepository(ctx.connection).withdrawUnwritten(captureId);
  throw new AppError(
    "DUPLICATE_EVENT_ID",
    `eventIDs were captured by another request meanwhile: ${taken.join(", ")}`,
    409,
    {
      eventIDs: taken,
    },
  );
}

export async function recordProgress(
  ctx: UseCaseContext,
  captureId: Types.ObjectId,
  stored: StoredStep[],
  written?: number,
) {
  const results: CapturedEventResult[] = stored.map((item) => ({ ...item }));
  await new EpcisCaptureRepository(ctx.connection).recordProgress(captureId, results, ctx.now(), written);
}

/** The event of an interrupted capture's step, if stored: on its batch, or (observations) in the log `ledgerId`. */
export async function storedCaptureStep(
  ctx: UseCaseContext,
  captureId: Types.ObjectId,
  step: PlanStep,
  ledgerId: string,
): Promise<StoredStep | null> {
  const provenance = {
    [`body.data.${CAPTURED_KEY}.capture`]: captureId.toHexString(),
    [`body.data.${CAPTURED_KEY}.index`]: step.index,
  };
  if (step.kind === "observe") {
    const event = await findObservation(ctx, ledgerId, provenance);
    return event
      ? { ...storedStep(step.index, ledgerId, event, false), observed: step.facts.observed }
      : null;
  }
  const batchId = ledgerId;
  const batch = await new BatchRepository(ctx.connection).findById(batchId);
  if (step.kind === "register") {
    if (!batch) return null;
    const first = await findStoredEvent(ctx, batch, { seq: 1 });
    return first && isFromCapture(first.body, captureId)
      ? storedStep(step.index, batchId, first, true)
      : null;
  }
  const event = await findStoredEvent(ctx, batch, provenance);
  return event ? storedStep(step.index, batchId, event, false) : null;
}

function isFromCapture(body: Record<string, unknown>, captureId: Types.ObjectId): boolean {
  const stored = (body.data as Record<string, { capture?: unknown }> | undefined)?.[CAPTURED_KEY];
  return stored?.capture === captureId.toHexString();
}

export function isStale(ctx: UseCaseContext, capture: EpcisCaptureDoc): boolean {
  return ctx.now().getTime() - capture.heartbeatAtMs > CAPTURE_STALE_MS;
}
