import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";
import type { BatchStatus } from "../domain/batch-status";

export interface BatchInput {
  batchId: Types.ObjectId;
  quantity: { value: number; unit: string };
  kind: "split" | "transformation";
}

/**
 * A product batch. `head` is the tip of the batch's hash chain and the single point where an
 * append commits (compare-and-set on head.seq); `lastEvent` keeps a copy of the newest event so
 * that a crash between that commit and the event insert can be repaired.
 */
export interface BatchDoc {
  _id: Types.ObjectId;
  /**
   * 128 random bits, base64url: the batch's only key on unauthenticated routes (decision 0020),
   * where sequential ObjectIds would let anyone walk other tenants' batches.
   */
  publicId: string;
  producerId: Types.ObjectId;
  holderId: Types.ObjectId;
  /** Name and category are absent ("not stated") for a batch captured from CBV master data (decision 0031). */
  product: { name?: string; category?: string; gtin?: string };
  lot: string;
  /** Each field may be absent ("not stated") for a batch captured from CBV master data (decision 0031). */
  origin: {
    place?: string;
    regionCode?: string;
    /** ISO 3166-1 alpha-2 country of origin (cbvmda:countryOfOrigin), when that is all that is stated. */
    country?: string;
    location?: { lat: number; lon: number };
    harvestedAt?: string;
    harvestedOn?: Date;
  };
  quantity: { value: number; unit: string };
  available: number;
  /** The brand's Chinese name (what labels print), set only with brandId and licenceId. */
  brand?: string;
  /** The regional brand the batch carries and the licence whose quota it took (or inherited). */
  brandId?: Types.ObjectId;
  licenceId?: Types.ObjectId;
  /**
   * Quantity (in the batch's unit) held by the item labels issued on this batch and on every batch
   * split from it; never more than `quantity` (one conditional `$inc` per issue). Absent = 0.
   */
  labelled?: number;
  ecoAttributes?: Record<string, unknown>;
  attachments: { sha256: string; mediaType: string; uri?: string }[];
  inputs: BatchInput[];
  status: BatchStatus;
  pendingTransferId?: Types.ObjectId | null;
  head: { seq: number; hash: string; eventId: Types.ObjectId };
  lastEvent: Record<string, unknown>;
  /** A bulk append's events until they are inserted (modules/ledger/commit-events.ts). */
  lastEvents?: string;
  createdAt: Date;
}

const quantitySchema = new Schema({ value: Number, unit: String }, { _id: false });

const batchSchema = new Schema<BatchDoc>(
  {
    publicId: { type: String, required: true },
    producerId: { type: Schema.Types.ObjectId, required: true, index: true },
    holderId: { type: Schema.Types.ObjectId, required: true, index: true },
    product: { name: String, category: String, gtin: String },
    lot: { type: String, required: true },
    origin: {
      place: String,
      regionCode: String,
      country: String,
      location: { type: new Schema({ lat: Number, lon: Number }, { _id: false }), default: undefined },
      harvestedAt: String,
      harvestedOn: Date,
    },
    quantity: quantitySchema,
    available: { type: Number, required: true },
    brand: String,
    brandId: { type: Schema.Types.ObjectId, default: undefined },
    licenceId: { type: Schema.Types.ObjectId, default: undefined },
    labelled: { type: Number, default: undefined },
    ecoAttributes: Schema.Types.Mixed,
    attachments: [new Schema({ sha256: String, mediaType: String, uri: String }, { _id: false })],
    inputs: [
      new Schema({ batchId: Schema.Types.ObjectId, quantity: quantitySchema, kind: String }, { _id: false }),
    ],
    status: { type: String, required: true, index: true },
    pendingTransferId: { type: Schema.Types.ObjectId, default: null },
    head: { seq: Number, hash: String, eventId: Schema.Types.ObjectId },
    lastEvent: Schema.Types.Mixed,
    lastEvents: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: true },
);
// Lots are unique per producer and product (enforced by MongoDB; the embedded engine does not
// enforce unique indexes, so registration also checks before inserting).
// Partial: batches whose name is not stated (CBV master data, decision 0031) are unique by GTIN and
// lot through their lot claim, and must not collide on a null name.
batchSchema.index(
  { producerId: 1, "product.name": 1, lot: 1 },
  { unique: true, partialFilterExpression: { "product.name": { $exists: true } } },
);
batchSchema.index({ "product.gtin": 1, lot: 1 });
// The consumer page resolves GTIN + lot: one product's GTIN may have thousands of lots, a lot value
// few batches; the embedded engine narrows by the first field of an index (decision 0023), so
// without this it filtered every batch of the GTIN on each page (issue 15).
batchSchema.index({ lot: 1 });
batchSchema.index({ publicId: 1 }, { unique: true, sparse: true });
batchSchema.index({ "inputs.batchId": 1 });
batchSchema.index({ brandId: 1, licenceId: 1 });
// Audits and the regional overview select batches by a region code prefix (a range on this index).
batchSchema.index({ "origin.regionCode": 1 });

export function batchModel(connection: Connection) {
  return modelFor(connection, "Batch", batchSchema);
}
