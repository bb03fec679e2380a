import { Types } from "mongoose";
import { type BatchDoc, appendEvent, registerBatch, findBatch, originOf } from "../batches";
import type { TransformationDoc } from "./data/transformation.model";
import { TransformationRepository } from "./data/transformation.repository";
import { cbvTermsFor, type UseCaseContext } from "../ledger";
import { remainingAfter } from "./domain/mass-balance";
import { ValidationError } from "../../platform/errors";
import { outputBrands, releaseOutputClaims } from "./transformation-brands";
import type { NewTransformation } from "./domain/new-transformation";
import { assertCanTake, type Quantity } from "./split-batch";
import { brandClaims } from "../brands";

/**
 * Processing (fresh leaves → finished tea) and merging: consumes input quantities and creates
 * output batches linked to them. All inputs are checked before anything is written; each input is
 * then consumed by a compare-and-set append, and if another writer got there first the inputs
 * already consumed are given back with a compensating event (the embedded engine has no
 * transactions, and events are never deleted).
 */
export async function transform(ctx: UseCaseContext, actorId: string, input: NewTransformation) {
  assertDistinctInputs(input.inputs);
  const inputBatches = await Promise.all(input.inputs.map((item) => findBatch(ctx, item.batchId)));
  inputBatches.forEach((batch, index) => assertCanTake(batch, actorId, input.inputs[index].quantity));

  const transformationId = new Types.ObjectId();
  const outputIds = input.outputs.map(() => new Types.ObjectId());
  const eventTime = input.eventTime ?? ctx.now().toISOString();
  const outputsRef = outputIds.map((id, index) => ({
    batchId: id.toHexString(),
    quantity: input.outputs[index].quantity,
  }));
  // Brands are settled before anything is consumed: inherited from branded inputs, or claimed
  // against the processor's own licence (quota), so a refused claim leaves every input untouched.
  const brands = await outputBrands(ctx, actorId, input, inputBatches, outputIds);
  const consumed: TransformationDoc["inputs"] = [];
  try {
    for (const item of input.inputs) {
      const event = await appendEvent(
        ctx,
        item.batchId,
        actorId,
        {
          type: "transforming",
          eventTime,
          ...cbvTermsFor("transforming", {}),
          data: {
            ...input.data,
            kind: "transformation",
            transformationId: transformationId.toHexString(),
            consumed: item.quantity,
            outputs: outputsRef,
          },
        },
        (batch: BatchDoc) => consume(batch, actorId, item.quantity),
      );
      consumed.push({
        batchId: new Types.ObjectId(item.batchId),
        quantity: item.quantity,
        eventId: event._id,
      });
    }
  } catch (error) {
    await giveBack(ctx, actorId, consumed, transformationId, eventTime);
    await releaseOutputClaims(ctx, brands, input.outputs);
    throw error;
  }

  const lineage = consumed.map((item) => ({
    batchId: item.batchId,
    quantity: item.quantity,
    kind: "transformation" as const,
  }));
  const first = inputBatches[0];
  const outputs = [];
  for (const [index, output] of input.outputs.entries()) {
    const { batch } = await registerBatch(
      ctx,
      actorId,
      { ...output, origin: output.origin ?? originOf(first) },
      {
        id: outputIds[index],
        inputs: lineage,
        commissioningData: {
          kind: "transformation",
          transformationId: transformationId.toHexString(),
          inputs: input.inputs,
        },
        actorId,
        holderId: actorId,
        eventTime,
        ...(brands[index] ? { brand: brands[index].brand } : {}),
      },
      brandClaims,
    );
    outputs.push(batch);
  }
  await new TransformationRepository(ctx.connection).insert({
    _id: transformationId,
    actorId: new Types.ObjectId(actorId),
    inputs: consumed,
    outputIds,
    createdAt: ctx.now(),
  });
  return { id: transformationId.toHexString(), inputs: consumed, outputs };
}

function consume(batch: BatchDoc, actorId: string, quantity: Quantity) {
  assertCanTake(batch, actorId, quantity);
  const available = remainingAfter(batch.available, quantity.value);
  return { available, ...(available === 0 ? { status: "consumed" as const } : {}) };
}

async function giveBack(
  ctx: UseCaseContext,
  actorId: string,
  consumed: TransformationDoc["inputs"],
  transformationId: Types.ObjectId,
  eventTime: string,
): Promise<void> {
  for (const item of consumed) {
    await appendEvent(
      ctx,
      item.batchId.toHexString(),
      actorId,
      {
        type: "observation",
        eventTime,
        ...cbvTermsFor("observation", {}),
        data: {
          kind: "transformation-cancelled",
          transformationId: transformationId.toHexString(),
          returned: item.quantity,
        },
      },
      (batch: BatchDoc) => ({ available: batch.available + item.quantity.value, status: "active" as const }),
    );
  }
}

function assertDistinctInputs(inputs: NewTransformation["inputs"]): void {
  const seen = new Set<string>();
  inputs.forEach((item, index) => {
    if (seen.has(item.batchId)) {
      throw ValidationError.forField(`body.inputs[${index}].batchId`, "appears more than once", 422);
    }
    seen.add(item.batchId);
  });
}
