import { Types, type Connection } from "mongoose";
import { BatchRepository, type BatchDoc } from "../batches";
import { TransferRepository } from "../custody";
import { checkBatchDocument, checkTransfer, type AuditedEvent, type Finding } from "./domain/audit";

/** The fields of a batch document the audit compares with its hashed events. */
export type AuditableBatch = Pick<
  BatchDoc,
  "_id" | "head" | "producerId" | "product" | "lot" | "origin" | "quantity" | "status"
>;

/** Projection that reads those fields (not the event copies a head carries). */
export const AUDITABLE_BATCH_FIELDS = {
  _id: 1,
  head: 1,
  producerId: 1,
  product: 1,
  lot: 1,
  origin: 1,
  quantity: 1,
  status: 1,
} as const;

/**
 * Batch documents and the transfers of those batches, each against the batches' stored events
 * (issue 13). A split child's producer is its parent's, whose document is read for it.
 */
export async function auditDocuments(
  connection: Connection,
  batches: readonly AuditableBatch[],
  eventsByBatch: ReadonlyMap<string, AuditedEvent[]>,
): Promise<Finding[]> {
  const parents = await splitParentProducers(connection, eventsByBatch);
  const findings = batches.flatMap((batch) => {
    const batchId = batch._id.toHexString();
    const events = eventsByBatch.get(batchId) ?? [];
    return checkBatchDocument(
      {
        id: batchId,
        producerId: batch.producerId.toHexString(),
        product: batch.product,
        lot: batch.lot,
        origin: {
          place: batch.origin.place,
          regionCode: batch.origin.regionCode,
          harvestedAt: batch.origin.harvestedAt,
          ...(batch.origin.location ? { location: batch.origin.location } : {}),
        },
        quantity: batch.quantity,
        status: batch.status,
        head: { seq: batch.head.seq, hash: batch.head.hash },
      },
      events,
      parents.get(batchId) ?? null,
    );
  });
  const transfers = await new TransferRepository(connection).ofBatches(batches.map((batch) => batch._id));
  for (const transfer of transfers) {
    const batchId = transfer.batchId.toHexString();
    findings.push(
      ...checkTransfer(
        {
          id: transfer._id.toHexString(),
          batchId,
          fromId: transfer.fromId.toHexString(),
          toId: transfer.toId.toHexString(),
          quantity: transfer.quantity,
          status: transfer.status,
        },
        eventsByBatch.get(batchId) ?? [],
      ),
    );
  }
  return findings;
}

/** For each split child among the batches: the producerId of the batch its hashed commissioning names. */
async function splitParentProducers(
  connection: Connection,
  eventsByBatch: ReadonlyMap<string, AuditedEvent[]>,
): Promise<Map<string, string>> {
  const parentOf = new Map<string, string>();
  for (const [batchId, events] of eventsByBatch) {
    const data = events.find((event) => event.body.seq === 1)?.body.data as
      { kind?: unknown; inputs?: { batchId?: unknown }[] } | undefined;
    const parent = data?.kind === "split" && Array.isArray(data.inputs) ? data.inputs[0]?.batchId : undefined;
    if (typeof parent === "string" && Types.ObjectId.isValid(parent)) parentOf.set(batchId, parent);
  }
  if (parentOf.size === 0) return new Map();
  const producers = await new BatchRepository(connection).producersOf(
    [...new Set(parentOf.values())].map((id) => new Types.ObjectId(id)),
  );
  return new Map(
    [...parentOf].flatMap(([child, parent]) => {
      const producer = producers.get(parent);
      return producer ? [[child, producer] as [string, string]] : [];
    }),
  );
}
