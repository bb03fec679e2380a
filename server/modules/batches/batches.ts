import { randomBytes } from "node:crypto";
import { newPublicId } from "./public-id";
import { Types } from "mongoose";
import type { BatchDoc } from "./data/batch.model";
import { BatchRepository, type BatchFilter } from "./data/batch.repository";
import { lotKeyOf, statedClaimCandidate, type NewBatch } from "./domain/new-batch";
import { claimLot, claimLots } from "./data/lot-claim.model";
import {
  type TraceEventDoc,
  TraceEventRepository,
  cbvTermsFor,
  buildFirstEvent,
  type UseCaseContext,
  creditInheritedOpenings,
  inheritedPrivateFields,
  REGISTRATION_PRIVATE_POINTERS,
  sealFieldsOf,
  storeOpenings,
} from "../ledger";
import { toGtin14 } from "./domain/gtin";
import { ConflictError, ValidationError } from "../../platform/errors";
import { BATCH_LEDGER } from "./batch-ledger";
import type { BatchBrand, BrandClaims } from "./domain/batch-brand";

/** Lineage of batches created by splits and transformations, and who created them. */
export interface DerivedBatch {
  id?: Types.ObjectId;
  inputs: BatchDoc["inputs"];
  commissioningData: Record<string, unknown>;
  actorId: string;
  holderId: string;
  eventTime?: string;
  /** The brand inherited from the inputs (a split, or a transformation of branded inputs). */
  brand?: BatchBrand;
}

/**
 * Registers a batch and its commissioning event (seq 1). The lot is claimed atomically first,
 * so a lot is unique per producer and product even under concurrent registrations.
 */
export async function registerBatch(
  ctx: UseCaseContext,
  producerId: string,
  input: NewBatch,
  derived?: DerivedBatch,
  brandClaims?: BrandClaims,
): Promise<{ batch: BatchDoc; event: TraceEventDoc }> {
  const batchId = derived?.id ?? new Types.ObjectId();
  const producer = new Types.ObjectId(producerId);
  const now = ctx.now();
  const lot = input.lot ?? generateLot(now);
  const product = { ...input.product, ...(input.product.gtin ? { gtin: toGtin14(input.product.gtin) } : {}) };
  const brand = await brandFor(ctx, input, derived, brandClaims, {
    id: batchId,
    producerId,
    category: product.category,
    regionCode: input.origin.regionCode,
    place: input.origin.place,
    harvestedAt: input.origin.harvestedAt,
    quantity: input.quantity,
  });
  try {
    if (
      !(await claimLot(ctx.connection, {
        producerId: producer,
        productName: lotKeyOf(product),
        lot,
        batchId,
      }))
    ) {
      throw new ConflictError(`lot ${lot} is already registered for product ${lotKeyOf(product)}`, {
        field: "body.lot",
        problem: "is already used for this product",
      });
    }
  } catch (error) {
    if (brand && !derived?.brand) await brandClaims?.release(ctx, brand, input.quantity.value);
    throw error;
  }
  const inherited = input.origin.location
    ? await inheritedPrivateFields(ctx, derived?.inputs.map((item) => item.batchId) ?? [])
    : { pointers: [], sealers: [] };
  const { batch, event, openings } = newBatchDocs(ctx, producerId, input, derived, {
    batchId,
    lot,
    product,
    brand,
    inheritedPointers: inherited.pointers,
  });
  await storeOpenings(ctx, creditInheritedOpenings(openings, inherited));
  await new BatchRepository(ctx.connection).insert(batch);
  await new TraceEventRepository(ctx.connection).insert(event);
  return { batch, event };
}

/**
 * Registers several batches of one producer together, with a few commands for all of them: their
 * lots claimed in one bulk upsert, then the openings, the batches and their commissioning events
 * each in one insert. For batches that neither carry a brand nor derive from inputs (both need
 * reads and claims of their own: registerBatch). Per batch, as registerBatch: the batch and its
 * event, or the ConflictError of a lot already taken, nothing of that batch stored.
 */
export async function registerBatches(
  ctx: UseCaseContext,
  producerId: string,
  items: { input: NewBatch; derived?: DerivedBatch }[],
): Promise<({ batch: BatchDoc; event: TraceEventDoc } | ConflictError)[]> {
  const producer = new Types.ObjectId(producerId);
  const planned = items.map(({ input, derived }) => {
    if (input.brand || derived?.brand || (derived?.inputs.length ?? 0) > 0)
      throw new Error("registerBatches: a branded or derived batch is registered by registerBatch");
    const product = {
      ...input.product,
      ...(input.product.gtin ? { gtin: toGtin14(input.product.gtin) } : {}),
    };
    const lot = input.lot ?? generateLot(ctx.now());
    return { input, derived, batchId: derived?.id ?? new Types.ObjectId(), lot, product };
  });
  const claimed = await claimLots(
    ctx.connection,
    planned.map(({ batchId, lot, product }) => ({
      producerId: producer,
      productName: lotKeyOf(product),
      lot,
      batchId,
    })),
  );
  const results = planned.map(({ input, derived, batchId, lot, product }, index) =>
    claimed[index]
      ? newBatchDocs(ctx, producerId, input, derived, {
          batchId,
          lot,
          product,
          brand: undefined,
          inheritedPointers: [],
        })
      : new ConflictError(`lot ${lot} is already registered for product ${lotKeyOf(product)}`, {
          field: "body.lot",
          problem: "is already used for this product",
        }),
  );
  const registered = results.filter(
    (result): result is Exclude<typeof result, ConflictError> => !(result instanceof ConflictError),
  );
  await storeOpenings(
    ctx,
    registered.flatMap((result) => result.openings),
  );
  if (registered.length > 0) {
    await new BatchRepository(ctx.connection).insertMany(registered.map((result) => result.batch));
    await new TraceEventRepository(ctx.connection).insertMany(registered.map((result) => result.event));
  }
  return results.map((result) =>
    result instanceof ConflictError ? result : { batch: result.batch, event: result.event },
  );
}

/** A new batch's document, its commissioning event and the openings of its sealed fields (pure). */
function newBatchDocs(
  ctx: UseCaseContext,
  producerId: string,
  input: NewBatch,
  derived: DerivedBatch | undefined,
  fields: {
    batchId: Types.ObjectId;
    lot: string;
    product: NewBatch["product"];
    brand: BatchBrand | undefined;
    inheritedPointers: string[];
  },
) {
  const { batchId, lot, product, brand, inheritedPointers } = fields;
  const producer = new Types.ObjectId(producerId);
  const now = ctx.now();
  // Product, lot and brand (with the licence behind it) are hashed too, so the label a consumer
  // reads is provable.
  const data = {
    ...(derived?.commissioningData ?? {}),
    product,
    lot,
    ...(brand
      ? { brand: brand.brand, brandId: brand.brandId.toHexString(), licenceId: brand.licenceId.toHexString() }
      : {}),
    quantity: input.quantity,
    origin: input.origin,
  };
  const actorId = derived?.actorId ?? producerId;
  const sealed = sealFieldsOf(ctx, {
    batchId,
    actorId,
    facts: { data },
    pointers: [...(input.private ?? []), ...inheritedPointers],
    allowed: REGISTRATION_PRIVATE_POINTERS,
  });
  const facts = sealed.facts;
  const event = buildFirstEvent(
    ctx,
    batchId,
    actorId,
    {
      type: "commissioning",
      eventTime: derived?.eventTime ?? input.eventTime ?? now.toISOString(),
      ...cbvTermsFor("commissioning", {}),
      data: facts.data,
    },
    BATCH_LEDGER,
  );
  const batch: BatchDoc = {
    _id: batchId,
    publicId: newPublicId(),
    producerId: producer,
    holderId: derived?.holderId ? new Types.ObjectId(derived.holderId) : producer,
    product,
    lot,
    origin: {
      ...input.origin,
      ...(input.origin.harvestedAt !== undefined ? { harvestedOn: new Date(input.origin.harvestedAt) } : {}),
    },
    quantity: input.quantity,
    available: input.quantity.value,
    ...(brand ?? {}),
    ...(input.ecoAttributes ? { ecoAttributes: input.ecoAttributes } : {}),
    attachments: input.attachments ?? [],
    inputs: derived?.inputs ?? [],
    status: "active",
    pendingTransferId: null,
    head: { seq: event.seq, hash: event.hash, eventId: event._id },
    lastEvent: event as unknown as Record<string, unknown>,
    createdAt: now,
  };
  return { batch, event, openings: sealed.openings };
}

/**
 * The brand a new batch carries: inherited from its inputs when it is derived from batches of that
 * brand, otherwise claimed against the producer's licence (which takes quota).
 */

async function brandFor(
  ctx: UseCaseContext,
  input: NewBatch,
  derived: DerivedBatch | undefined,
  brandClaims: BrandClaims | undefined,
  candidate: Parameters<typeof statedClaimCandidate>[0],
): Promise<BatchBrand | undefined> {
  if (derived?.brand) return derived.brand;
  if (!input.brand) return undefined;
  if (!brandClaims) throw new Error("registerBatch: a branded registration needs the brands module's claims");
  return brandClaims.claim(ctx, input.brand, statedClaimCandidate(candidate));
}

/** Batches in id order, `limit` at a time; `nextCursor` continues after the last one. */
export async function listBatches(
  ctx: UseCaseContext,
  filter: BatchFilter & { limit: number; cursor?: string },
) {
  const items = await new BatchRepository(ctx.connection).list(filter, {
    after: filter.cursor ? decodeCursor(filter.cursor) : undefined,
    limit: filter.limit + 1,
  });
  const page = items.slice(0, filter.limit);
  const nextCursor = items.length > filter.limit ? encodeCursor(page[page.length - 1]._id) : null;
  return { items: page, nextCursor };
}

export async function listEvents(
  ctx: UseCaseContext,
  batchId: string,
  page: { limit: number; cursor?: string },
) {
  const after = page.cursor ? Number(Buffer.from(page.cursor, "base64url").toString()) : 0;
  const items = await new TraceEventRepository(ctx.connection).listOf(batchId, {
    afterSeq: Number.isFinite(after) ? after : 0,
    limit: page.limit + 1,
  });
  const events = items.slice(0, page.limit);
  const nextCursor =
    items.length > page.limit
      ? Buffer.from(String(events[events.length - 1].seq)).toString("base64url")
      : null;
  return { items: events, nextCursor };
}

function generateLot(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `${day}-${randomBytes(4).toString("hex").toUpperCase()}`;
}

function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(id.toHexString()).toString("base64url");
}

function decodeCursor(cursor: string): Types.ObjectId {
  const hex = Buffer.from(cursor, "base64url").toString();
  if (!/^[0-9a-f]{24}$/.test(hex))
    throw ValidationError.forField("query.cursor", "is not a cursor from a previous page");
  return new Types.ObjectId(hex);
}
