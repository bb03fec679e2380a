import { Types } from "mongoose";
import type { BatchDoc } from "../data-access/batch.model";
import { traceEventModel } from "../data-access/trace-event.model";
import { cbvTermsFor, type EventType } from "../domain/cbv";
import type { EventLocation } from "../domain/event-body";
import { batchChangesFor, eventBlockedReason, mayRecordEvent } from "../domain/event-rules";
import { ForbiddenError, UnprocessableError, ValidationError } from "../errors";
import { appendEvent, type AppendContext } from "./append-event";
import { sealPrivateFields } from "./sealed-fields";

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
  ctx: AppendContext,
  actor: { orgId: string; roles: readonly string[] },
  batchId: string,
  input: NewEvent,
) {
  if (input.correctionOf) await assertCorrectable(ctx, batchId, input.correctionOf);
  const { private: pointers, ...facts } = input;
  const terms = cbvTermsFor(input.type, input, input.data);
  const sealed = await sealPrivateFields(ctx, { batchId, actorId: actor.orgId, facts, pointers });
  return appendEvent(ctx, batchId, actor.orgId, { ...sealed, ...terms }, (batch: BatchDoc) => {
    const parties = { producerId: batch.producerId.toHexString(), holderId: batch.holderId.toHexString() };
    if (!mayRecordEvent(actor, parties, input.type)) {
      throw new ForbiddenError(
        input.type === "recalling"
          ? "only the producer of a batch can recall it"
          : "only the batch's holder or producer can record this event",
      );
    }
    const blocked = eventBlockedReason(batch.status, input.type);
    if (blocked) throw new UnprocessableError("BATCH_STATE", blocked, { status: batch.status });
    return batchChangesFor(input.type);
  });
}

/** Corrections reference an earlier event of the same batch; the original stays unchanged. */
async function assertCorrectable(ctx: AppendContext, batchId: string, eventId: string): Promise<void> {
  const exists = await traceEventModel(ctx.connection).exists({
    _id: new Types.ObjectId(eventId),
    batchId: new Types.ObjectId(batchId),
  });
  if (!exists)
    throw ValidationError.forField("body.correctionOf", "must be the id of an event of this batch", 422);
}
