import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { type BatchDoc, formatDigitalLink } from "../batches";
import type { SerialDoc } from "./data/serial.model";
import { SerialRepository } from "./data/serial.repository";
import {
  decideItemQuantity,
  labelledQuantity,
  type Quantity,
  assertLicenceActive,
  releaseLabelRoom,
  splitAncestry,
  takeLabelRoom,
} from "../brands";
import { ForbiddenError, UnprocessableError, ValidationError } from "../../platform/errors";
import type { UseCaseContext } from "../ledger";

/** Crockford base32: digits and capitals without I, L, O, U, all in GS1 character set 82. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SERIAL_LENGTH = 16;
export const MAX_SERIALS_PER_REQUEST = 10_000;

/** 16 base32 characters = 80 random bits: guessing a valid serial is hopeless. */
export function newSerial(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(10);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let serial = "";
  for (let index = 0; index < SERIAL_LENGTH; index++) {
    serial = ALPHABET[Number(bits & 31n)] + serial;
    bits >>= 5n;
  }
  return serial;
}

export interface SerialRequest {
  count: number;
  /** What each labelled item holds; required for branded batches (not in pieces). */
  itemQuantity?: { value: number; unit: string };
}

export interface IssuedSerials {
  serials: SerialDoc[];
  itemQuantity: Quantity | null;
  /** The batch's labelled quantity after this issue (branded batches; null otherwise). */
  labelled: Quantity | null;
}

/**
 * Issues `count` new serials for a batch (its producer, or an admin). Item labels need a GTIN:
 * a serial is GS1 AI 21 and only means something next to AI 01. A branded batch needs an active
 * licence and room to label: `count × itemQuantity` is taken from the batch's label room (and
 * that of every batch it was split from) before the serials are stored, and given back if storing
 * them fails, so a batch never carries labels for more than it holds.
 */
export async function issueSerials(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batch: BatchDoc,
  request: SerialRequest,
): Promise<IssuedSerials> {
  const { count } = request;
  if (!actor.roles.includes("admin") && batch.producerId.toHexString() !== actor.orgId) {
    throw new ForbiddenError("only the batch's producer can issue item serials");
  }
  if (!batch.product.gtin) {
    throw new UnprocessableError(
      "GTIN_REQUIRED",
      "item serials (GS1 AI 21) need a product GTIN; register the batch with product.gtin",
    );
  }
  if (count > MAX_SERIALS_PER_REQUEST) {
    throw ValidationError.forField("body.count", `must be at most ${MAX_SERIALS_PER_REQUEST}`);
  }
  const branded = batch.brandId !== undefined && batch.licenceId !== undefined;
  const decision = decideItemQuantity(batch.quantity.unit, branded, request.itemQuantity);
  if ("problem" in decision) throw ValidationError.forField(decision.field, decision.problem, 422);
  const { itemQuantity } = decision;
  const issueId = new Types.ObjectId();
  const docs = newSerialDocs(ctx, actor, batch, count, issueId, itemQuantity);
  if (!branded || !itemQuantity) {
    await new SerialRepository(ctx.connection).insertMany(docs);
    return { serials: docs, itemQuantity, labelled: null };
  }
  await assertLicenceActive(ctx, batch);
  const amount = labelledQuantity(count, itemQuantity);
  const path = await splitAncestry(ctx, batch);
  const labelled = await takeLabelRoom(ctx, path, amount, itemQuantity);
  try {
    await new SerialRepository(ctx.connection).insertMany(docs);
  } catch (error) {
    // Serials stored before the failure are removed first: room is given back only for labels
    // that do not exist (a failed removal keeps the room taken, which never over-labels).
    await new SerialRepository(ctx.connection).deleteIssue(issueId);
    await releaseLabelRoom(
      ctx,
      path.map((item) => item._id),
      amount,
    );
    throw error;
  }
  return { serials: docs, itemQuantity, labelled: { value: labelled, unit: batch.quantity.unit } };
}

function newSerialDocs(
  ctx: UseCaseContext,
  actor: { orgId: string },
  batch: BatchDoc,
  count: number,
  issueId: Types.ObjectId,
  itemQuantity: Quantity | null,
): SerialDoc[] {
  const now = ctx.now();
  const serials = new Set<string>();
  while (serials.size < count) serials.add(newSerial());
  return [...serials].map((serial) => ({
    _id: new Types.ObjectId(),
    batchId: batch._id,
    serial,
    issuedBy: new Types.ObjectId(actor.orgId),
    issueId,
    ...(itemQuantity ? { itemQuantity } : {}),
    createdAt: now,
    scans: 0,
    firstScanAt: null,
    lastScanAt: null,
  }));
}

export async function listSerials(
  ctx: UseCaseContext,
  batchId: Types.ObjectId,
  page: { limit: number; cursor?: string },
) {
  const items = await new SerialRepository(ctx.connection).listOf(batchId, {
    after: page.cursor ? new Types.ObjectId(page.cursor) : undefined,
    limit: page.limit + 1,
  });
  const pageItems = items.slice(0, page.limit);
  return {
    items: pageItems,
    nextCursor: items.length > page.limit ? pageItems[pageItems.length - 1]._id.toHexString() : null,
  };
}

export async function findSerial(
  ctx: UseCaseContext,
  batchId: Types.ObjectId,
  serial: string,
): Promise<SerialDoc | null> {
  return new SerialRepository(ctx.connection).find(batchId, serial);
}

export function serialLink(
  publicBaseUrl: string,
  batch: Pick<BatchDoc, "product" | "lot">,
  serial: string,
): string {
  return formatDigitalLink(publicBaseUrl, { gtin: batch.product.gtin!, lot: batch.lot, serial });
}

export function serialView(
  serial: SerialDoc,
  batch: Pick<BatchDoc, "product" | "lot">,
  publicBaseUrl: string,
) {
  return {
    serial: serial.serial,
    digitalLink: serialLink(publicBaseUrl, batch, serial.serial),
    itemQuantity: serial.itemQuantity ?? null,
    scans: serial.scans,
    firstScanAt: serial.firstScanAt ? new Date(serial.firstScanAt).toISOString() : null,
    lastScanAt: serial.lastScanAt ? new Date(serial.lastScanAt).toISOString() : null,
    createdAt: new Date(serial.createdAt).toISOString(),
  };
}
