import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { BatchDoc } from "./data/batch.model";
import { BatchRepository } from "./data/batch.repository";
import type { UseCaseContext } from "../ledger";

/**
 * Public ids (decision 0020): 128 random bits in base64url (22 characters), given to a batch when
 * it is registered. Unauthenticated routes (/b/…, public proof bundles, /api/verify, QR codes) take
 * only these or the GS1 Digital Link, so no one can walk from their own batch to other tenants'.
 */
export function newPublicId(): string {
  return randomBytes(16).toString("base64url");
}

export const publicIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, "must be a batch's public id (22 base64url characters)");

/** The batch with this public id, or null. */
export function findBatchByPublicId(ctx: UseCaseContext, publicId: string): Promise<BatchDoc | null> {
  return new BatchRepository(ctx.connection).findByPublicId(publicId);
}

/** Start-up migration: gives every batch stored before public ids existed one. Returns how many. */
export async function backfillPublicIds(ctx: UseCaseContext): Promise<number> {
  const repository = new BatchRepository(ctx.connection);
  const ids = await repository.idsWithoutPublicId();
  for (const id of ids) await repository.setPublicIdOnce(id, newPublicId());
  return ids.length;
}
