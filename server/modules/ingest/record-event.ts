import {
  type BatchDoc,
  batchChangesFor,
  eventBlockedReason,
  mayRecordEvent,
  appendEvent,
  findBatch,
  type BatchGuard,
} from "../batches";
import {
  TraceEventRepository,
  cbvTermsFor,
  type EventType,
  type EventFacts,
  type EventLocation,
  type UseCaseContext,
  type SealedFacts,
  sealFieldsOf,
  storeOpenings,
} from "../ledger";
import { holdsInspectionMandate } from "../certifications";
import { ForbiddenError, NotFoundError, UnprocessableError, ValidationError } from "../../platform/errors";

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

/**
 * Records a client event on a batch. Every check (who may, the batch's status, the correction
 * target, the private pointers) passes before anything is stored, so a refused event leaves no
 * sealed-field opening behind; the guard runs again at the append's compare-and-set.
 */
export async function recordEvent(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batchId: string,
  input: NewEvent,
) {
  const { batch, mandate } = await findRecordableBatch(ctx, actor, batchId);
  const guard = eventGuard(actor, input.type, mandate);
  guard(batch);
  const { facts, openings } = await prepareEvent(ctx, actor, batchId, input);
  await storeOpenings(ctx, openings);
  return appendEvent(ctx, batchId, actor.orgId, facts, guard);
}

/**
 * The batch an actor is about to record on, and whether it holds an inspection mandate for it.
 * A batch the actor has nothing to do with answers exactly as an unknown one (404), so ids of other
 * tenants' batches cannot be told from ids that do not exist.
 */
export async function findRecordableBatch(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batchId: string,
): Promise<{ batch: BatchDoc; mandate: boolean }> {
  const batch = await findBatch(ctx, batchId);
  const parties = [batch.producerId.toHexString(), batch.holderId.toHexString()];
  if (actor.roles.includes("admin") || parties.includes(actor.orgId)) return { batch, mandate: false };
  const mandate = await holdsInspectionMandate(ctx, actor, {
    id: batch._id.toHexString(),
    producerId: parties[0],
  });
  if (!mandate) throw new NotFoundError("batch", batchId);
  return { batch, mandate };
}

/**
 * What a client event states once it is ready to be chained: its correction target checked, its
 * private fields sealed (openings returned, not stored), its CBV terms filled in.
 */
export async function prepareEvent(
  ctx: UseCaseContext,
  actor: { orgId: string },
  batchId: string,
  input: NewEvent,
): Promise<SealedFacts<EventFacts>> {
  if (input.correctionOf) await assertCorrectable(ctx, batchId, input.correctionOf);
  const { private: pointers, ...facts } = input;
  const terms = cbvTermsFor(input.type, input, input.data);
  const sealed = sealFieldsOf(ctx, { batchId, actorId: actor.orgId, facts, pointers });
  return { facts: { ...sealed.facts, ...terms }, openings: sealed.openings };
}

/** Who may record an event of `type` on a batch in its status, and what the event changes. */
export function eventGuard(
  actor: { orgId: string; roles: readonly string[] },
  type: EventType,
  inspectionMandate: boolean,
): BatchGuard {
  return (batch: BatchDoc) => {
    const parties = { producerId: batch.producerId.toHexString(), holderId: batch.holderId.toHexString() };
    if (!mayRecordEvent(actor, parties, type, inspectionMandate)) {
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
