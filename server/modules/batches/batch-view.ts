import type { BatchDoc } from "./data/batch.model";
import type { TraceEventDoc } from "../ledger";
import { batchDigitalLink } from "./domain/digital-link";

/**
 * API shape of a batch; `sealed` holds the markers that replace the values the producer sealed,
 * for a reader who may not see them (sealed-batch-fields.ts).
 */
export function batchView(
  batch: BatchDoc,
  publicBaseUrl: string,
  sealed: { location?: unknown; quantity?: unknown } = {},
) {
  const id = batch._id.toHexString();
  const location = sealed.location ?? batch.origin.location;
  return {
    id,
    publicId: batch.publicId,
    product: batch.product,
    lot: batch.lot,
    digitalLink: batchDigitalLink(publicBaseUrl, {
      publicId: batch.publicId,
      gtin: batch.product.gtin,
      lot: batch.lot,
    }),
    origin: {
      place: batch.origin.place,
      regionCode: batch.origin.regionCode,
      ...(batch.origin.country ? { country: batch.origin.country } : {}),
      ...(location ? { location } : {}),
      harvestedAt: batch.origin.harvestedAt,
    },
    ...notStatedOf(batch),
    quantity: sealed.quantity ?? batch.quantity,
    available: { value: batch.available, unit: batch.quantity.unit },
    ...(batch.brand ? { brand: batch.brand } : {}),
    ...(batch.brandId
      ? { brandId: batch.brandId.toHexString(), licenceId: batch.licenceId?.toHexString() ?? null }
      : {}),
    ...(batch.ecoAttributes ? { ecoAttributes: batch.ecoAttributes } : {}),
    attachments: batch.attachments ?? [],
    producerId: batch.producerId.toHexString(),
    holderId: batch.holderId.toHexString(),
    status: batch.status,
    pendingTransferId: batch.pendingTransferId?.toHexString() ?? null,
    inputs: (batch.inputs ?? []).map((input) => ({
      batchId: input.batchId.toHexString(),
      quantity: input.quantity,
      kind: input.kind,
    })),
    head: { seq: batch.head.seq, hash: batch.head.hash },
    createdAt: new Date(batch.createdAt).toISOString(),
  };
}

/**
 * API shape of an event: id and storage facts, and `body`, the exact object that was hashed
 * (including its salt), so that the holder of the data can recompute `hash` independently.
 */
export function eventView(event: TraceEventDoc) {
  const body = event.body as Record<string, unknown>;
  return {
    id: event._id.toHexString(),
    batchId: event.batchId.toHexString(),
    seq: event.seq,
    type: event.type,
    eventTime: body.eventTime,
    recordTime: body.recordTime,
    actor: body.actor,
    body,
    hash: event.hash,
    prevHash: event.prevHash,
    anchor: event.anchor
      ? {
          windowId: event.anchor.windowId.toHexString(),
          root: event.anchor.root,
          leafIndex: event.anchor.leafIndex,
        }
      : null,
  };
}

/** What POST …/events answers: where the event sits in the chain. */
export function appendedView(event: TraceEventDoc) {
  return { id: event._id.toHexString(), seq: event.seq, hash: event.hash, prevHash: event.prevHash };
}

/** Fields a batch from CBV master data did not state (decision 0031), listed so a reader sees them missing on purpose. */
const STATED_FIELDS = [
  ["product.name", (batch: BatchDoc) => batch.product.name],
  ["product.category", (batch: BatchDoc) => batch.product.category],
  ["origin.place", (batch: BatchDoc) => batch.origin.place],
  ["origin.regionCode", (batch: BatchDoc) => batch.origin.regionCode],
  ["origin.harvestedAt", (batch: BatchDoc) => batch.origin.harvestedAt],
] as const;

function notStatedOf(batch: BatchDoc): { notStated?: string[] } {
  const missing = STATED_FIELDS.filter(([, value]) => value(batch) === undefined).map(([field]) => field);
  return missing.length > 0 ? { notStated: missing } : {};
}
