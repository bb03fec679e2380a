import {
  type BatchDoc,
  batchChangesFor,
  eventBlockedReason,
  mayRecordEvent,
  appendEvent,
  type BatchGuard,
} from "../batches";
import {
  TraceEventRepository,
  cbvTermsFor,
  type EventType,
  type EventFacts,
  type EventLocation,
  type UseCaseContext,
  sealPrivateFields,
} from "../ledger";
import { ForbiddenError, UnprocessableError, ValidationError } from "../../platform/errors";

export interface NewEvent {
  type: EventType;
  eventTime: string;
  bizStep?: string;
  disposition?: string;
  location?: EventLocation;
  data?: Record<string, unknown>;
  correctionOf?: string;
  /** JSON Pointers of fields to seal before hashing (decision 0008), e.g. /data/price. */
  private?: string[];
}

/** Records a client event on a batch after checking who may record it and the batch's status. */
export async function recordEvent(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batchId: string,
  input: NewEvent,
) {
  const facts = await prepareEvent(ctx, actor, batchId, input);
  return appendEvent(ctx, batchId, actor.orgId, facts, eventGuard(actor, input.type));
}

/**
 * What a client event states once it is ready to be chained: its correction target checked, its
 * private fields sealed (openings stored), its CBV terms filled in.
 */
export async function prepareEvent(
  ctx: UseCaseContext,
  actor: { orgId: string },
  batchId: string,
  input: NewEvent,
): Promise<EventFacts> {
  if (input.correctionOf) await assertCorrectable(ctx, batchId, input.correctionOf);
  const { private: pointers, ...facts } = input;
  const terms = cbvTermsFor(input.type, input, input.data);
  const sealed = await sealPrivateFields(ctx, { batchId, actorId: actor.orgId, facts, pointers });
  return { ...sealed, ...terms };
}

/** Who may record an event of `type` on a batch in its status, and what the event changes. */
export function eventGuard(actor: { orgId: string; roles: readonly string[] }, type: EventType): BatchGuard {
  return (batch: BatchDoc) => {
    const parties = { producerId: batch.producerId.toHexString(), holderId: batch.holderId.toHexString() };
    if (!mayRecordEvent(actor, parties, type)) {
      throw new ForbiddenError(
        type === "recalling"
          ? "only the producer of a batch can recall it"
          : "only the batch's holder or producer can record this event",
      );
    }
    const blocked = eventBlockedReason(batch.status, type);
    if (blocked) throw new UnprocessableError("BATCH_STATE", blocked, { status: batch.status });
    return batchChangesFor(type);
  };
}

/** Corrections reference an earlier event of the same batch; the original stays unchanged. */
async function assertCorrectable(ctx: UseCaseContext, batchId: string, eventId: string): Promise<void> {
  if (!(await new TraceEventRepository(ctx.connection).isEventOf(eventId, batchId)))
    throw ValidationError.forField("body.correctionOf", "must be the id of an event of this batch", 422);
}
