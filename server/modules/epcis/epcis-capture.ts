import { Types } from "mongoose";
import { EpcisCaptureRepository } from "./data/epcis-capture.repository";
import { interpretEpcisEvent, type InterpretOptions, type Reason } from "./domain/from-epcis";
import { declaredEvents, serialLots } from "./epcis-capture-lookups";
import { declaredPrefixes, normalizeOwnKeys } from "./domain/json-ld-context";
import type { EpcisEvent } from "./domain/to-epcis";
import { AppError, ConflictError, NotFoundError } from "../../platform/errors";
import { timeSlicer } from "../../platform/threads/time-slice";
import { capturedEvents, type CheckedCapture } from "./epcis-capture-check";
import type { UseCaseContext } from "../ledger";
import { captureView, type CaptureView } from "./epcis-capture-view";
import {
  claimCapture,
  claimEventIds,
  duplicateEventIds,
  isStale,
  recordProgress,
  storedCaptureStep,
} from "./epcis-capture-records";
import { stepForIntent } from "./epcis-capture-steps";
import {
  ApplyFailure,
  applyPlan,
  derivedBatchId,
  planSteps,
  type PlanStep,
  type RecordingActor,
} from "../ingest";

/**
 * EPCIS capture (decision 0006). All or nothing on an engine without transactions: the whole
 * document is checked first (epcis-capture-check.ts: official schema, off the event loop),
 * interpreted and planned against simulated batches
 * before anything is written; if any event cannot be recorded, every reason is returned and
 * nothing is stored. Then its eventIDs are claimed and its events recorded in document order.
 * A capture is identified by its organization and the SHA-256 of the canonical document: posting
 * the same document again replays the result, or resumes a capture whose writer died.
 */
const CHUNK = 100;
const CONCURRENCY = 8;

export interface CaptureOutcome {
  status: 200 | 201;
  view: CaptureView;
}

export interface EventRejection {
  index: number;
  eventID?: string;
  type?: string;
  reasons: Reason[];
}

export class CaptureRejectedError extends AppError {
  constructor(rejected: EventRejection[], total: number, alreadyRecorded: number) {
    super(
      "EPCIS_CAPTURE_REJECTED",
      `${rejected.length} of ${total} events cannot be captured; nothing was stored` +
        (alreadyRecorded > 0 ? ` (the first ${alreadyRecorded} were recorded by an earlier attempt)` : ""),
      422,
      { events: rejected },
    );
  }
}

export async function captureEpcisDocument(
  ctx: UseCaseContext,
  actor: RecordingActor,
  { document, documentHash }: CheckedCapture,
  options: { base: string },
): Promise<CaptureOutcome> {
  const events = capturedEvents(document);
  const captures = new EpcisCaptureRepository(ctx.connection);
  const orgId = new Types.ObjectId(actor.orgId);
  const existing = await captures.findByDocument(orgId, documentHash);
  if (existing?.state === "accepted") return { status: 200, view: captureView(existing, true) };
  if (existing && existing.state === "writing" && !isStale(ctx, existing)) {
    throw new ConflictError(
      `this document is being captured (capture ${existing._id.toHexString()}); retry later`,
    );
  }
  const captureId = existing?._id ?? new Types.ObjectId();
  const resumeFrom = existing?.written ?? 0;
  const lookups: Lookups = {
    lotOfSerial: await serialLots(ctx, events),
    declared: await declaredEvents(ctx, actor, events),
  };
  const steps = await interpretAll(events, document, captureId, { base: options.base, resumeFrom, lookups });
  const duplicates = await duplicateEventIds(ctx, steps.eventIDs, captureId, options.base);
  const rejected = mergeRejections(steps.rejected, duplicates, events);
  const plan = await planSteps(ctx, actor, steps.steps, {
    batchIdFor: (index) => derivedBatchId(captureId, index),
    ...(existing
      ? {
          alreadyStored: (step: PlanStep, batchId: string | null) =>
            step.index < resumeFrom + CHUNK
              ? storedCaptureStep(ctx, captureId, step, batchId ?? actor.orgId)
              : Promise.resolve(null),
        }
      : {}),
  });
  for (const problem of plan.problems) {
    rejectEvent(rejected, problem.index, events, { code: problem.code, message: problem.message });
  }
  if (rejected.size > 0) {
    throw new CaptureRejectedError(
      [...rejected.values()].sort((a, b) => a.index - b.index),
      events.length,
      resumeFrom,
    );
  }

  const record = await claimCapture(ctx, existing, {
    captureId,
    orgId,
    documentHash,
    eventCount: events.length,
  });
  await claimEventIds(ctx, captureId, steps.eventIDs, Boolean(existing));
  await recordProgress(ctx, record, plan.stored, resumeFrom);
  try {
    await applyPlan(ctx, actor, plan.ops, {
      chunkSize: CHUNK,
      concurrency: CONCURRENCY,
      onChunk: (stored) =>
        recordProgress(ctx, record, stored, Math.max(...stored.map((item) => item.index)) + 1),
    });
  } catch (error) {
    if (!(error instanceof ApplyFailure)) throw error;
    await recordProgress(ctx, record, error.stored, undefined);
    await captures.fail(captureId, { index: error.index, code: error.code, message: error.message });
    throw new AppError(
      "EPCIS_CAPTURE_INCOMPLETE",
      `event ${error.index} could not be recorded (${error.message}); the events before it are recorded. ` +
        "Post the same document again to complete the capture",
      409,
      { captureId: captureId.toHexString(), failedEvent: error.index, code: error.code },
    );
  }
  const done = await captures.accept(captureId, events.length, ctx.now());
  return { status: 201, view: captureView(done!, false) };
}

export async function getCapture(
  ctx: UseCaseContext,
  actor: RecordingActor,
  captureId: string,
): Promise<CaptureView> {
  const capture = await new EpcisCaptureRepository(ctx.connection).findById(captureId);
  const seesAll = actor.roles.includes("admin") || actor.roles.includes("auditor");
  if (!capture || (!seesAll && capture.orgId.toHexString() !== actor.orgId))
    throw new NotFoundError("capture", captureId);
  return captureView(capture, false);
}

type Lookups = Pick<InterpretOptions, "lotOfSerial" | "declared">;

async function interpretAll(
  events: EpcisEvent[],
  document: Record<string, unknown>,
  captureId: Types.ObjectId,
  { base, resumeFrom, lookups }: { base: string; resumeFrom: number; lookups: Lookups },
) {
  const documentPrefixes = declaredPrefixes(document["@context"]);
  const steps: PlanStep[] = [];
  const rejected = new Map<number, EventRejection>();
  const eventIDs = new Map<string, number>();
  const pause = timeSlicer();
  for (const [index, raw] of events.entries()) {
    if (index < resumeFrom) continue;
    await pause();
    const prefixes = declaredPrefixes(raw["@context"], new Map(documentPrefixes));
    const event = normalizeOwnKeys(raw, prefixes) as EpcisEvent;
    const reject = (reasons: Reason[]) =>
      reasons.forEach((reason) => rejectEvent(rejected, index, events, reason));
    const claimKey = eventIdClaim(event);
    if (claimKey !== undefined) {
      if (eventIDs.has(claimKey)) {
        reject([
          { code: "DUPLICATE_EVENT_ID", message: `event ${eventIDs.get(claimKey)} has the same eventID` },
        ]);
      } else eventIDs.set(claimKey, index);
    }
    const interpreted = interpretEpcisEvent(event, { base, prefixes, ...lookups });
    if ("reasons" in interpreted) {
      reject(interpreted.reasons);
      continue;
    }
    const built = stepForIntent(interpreted.intent, index, { base, captureId });
    if ("reasons" in built) reject(built.reasons);
    else steps.push(built.step);
  }
  return { steps, rejected, eventIDs };
}

/**
 * What an event claims so that it is never captured twice: its eventID, or for an error
 * declaration (which repeats the eventID of the event it declares) the declaration of that eventID.
 */
function eventIdClaim(event: EpcisEvent): string | undefined {
  if (typeof event.eventID !== "string") return undefined;
  return event.errorDeclaration === undefined ? event.eventID : `errorDeclaration ${event.eventID}`;
}

function mergeRejections(
  rejected: Map<number, EventRejection>,
  duplicates: Map<number, Reason>,
  events: EpcisEvent[],
) {
  for (const [index, reason] of duplicates) rejectEvent(rejected, index, events, reason);
  return rejected;
}

function rejectEvent(
  rejected: Map<number, EventRejection>,
  index: number,
  events: EpcisEvent[],
  reason: Reason,
) {
  const event = events[index];
  const entry = rejected.get(index) ?? {
    index,
    ...(typeof event.eventID === "string" ? { eventID: event.eventID } : {}),
    ...(typeof event.type === "string" ? { type: event.type } : {}),
    reasons: [],
  };
  entry.reasons.push(reason);
  rejected.set(index, entry);
}
