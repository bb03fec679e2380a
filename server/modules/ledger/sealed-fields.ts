import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import type { SealedFieldDoc } from "./data/sealed-field.model";
import { SealedFieldRepository } from "./data/sealed-field.repository";
import { TraceEventRepository } from "./data/trace-event.repository";
import { findSealedFields, privatePointersProblem, sealFields } from "./domain/disclosure";
import type { Hex } from "../../platform/crypto/keccak";
import { canonicalEventJson } from "./domain/event-hash";
import { ValidationError } from "../../platform/errors";
import type { UseCaseContext } from "./append-event";

/** Private fields a batch registration may name: pointers into its commissioning event body. */
export const REGISTRATION_PRIVATE_POINTERS = ["/data/origin/location", "/data/quantity"] as const;
const ORIGIN_LOCATION = "/data/origin/location";

/** An event's facts with their private fields sealed, and the openings still to be stored. */
export interface SealedFacts<T> {
  facts: T;
  openings: SealedFieldDoc[];
}

/**
 * Seals the fields named by `pointers` in an event's facts (decision 0008) without storing
 * anything, so a request can be refused after this step and leave no opening behind. Refuses (422,
 * naming `body.private[i]`) a pointer that names nothing or overlaps another.
 */
export function sealFieldsOf<T extends Record<string, unknown>>(
  ctx: UseCaseContext,
  input: {
    batchId: Types.ObjectId | string;
    actorId: string;
    facts: T;
    pointers?: readonly string[];
    allowed?: readonly string[];
  },
): SealedFacts<T> {
  const pointers = [...new Set(input.pointers ?? [])];
  if (pointers.length === 0) return { facts: input.facts, openings: [] };
  const problem = privatePointersProblem(input.facts, pointers, input.allowed);
  if (problem) throw ValidationError.forField(`body.private[${problem.index}]`, problem.problem, 422);
  const { facts, openings } = sealFields(
    input.facts,
    pointers,
    () => `0x${randomBytes(32).toString("hex")}` as Hex,
  );
  const now = ctx.now();
  return {
    facts,
    openings: openings.map((opening): SealedFieldDoc => ({
      _id: new Types.ObjectId(),
      commitment: opening.commitment,
      batchId: new Types.ObjectId(input.batchId),
      actorId: new Types.ObjectId(input.actorId),
      pointer: opening.pointer,
      salt: opening.salt,
      canonical: canonicalEventJson(opening.value),
      createdAt: now,
    })),
  };
}

/**
 * Stores openings made by sealFieldsOf. Call it once every check of the request has passed and
 * before the append, so a committed event never refers to an opening that was not saved.
 */
export async function storeOpenings(ctx: UseCaseContext, openings: readonly SealedFieldDoc[]): Promise<void> {
  if (openings.length > 0) await new SealedFieldRepository(ctx.connection).insertMany([...openings]);
}

/** sealFieldsOf, then storeOpenings: for callers whose checks are all done before this call. */
export async function sealPrivateFields<T extends Record<string, unknown>>(
  ctx: UseCaseContext,
  input: Parameters<typeof sealFieldsOf<T>>[1],
): Promise<T> {
  const sealed = sealFieldsOf(ctx, input);
  await storeOpenings(ctx, sealed.openings);
  return sealed.facts;
}

/**
 * Private fields a derived batch (split or transformation output) inherits, and who sealed them:
 * a child whose origin comes from its inputs must not publish coordinates an input's producer
 * sealed, and its opening stays with that producer (creditInheritedOpenings), not with the
 * processor that records the child.
 */
export async function inheritedPrivateFields(
  ctx: UseCaseContext,
  inputBatchIds: readonly Types.ObjectId[],
): Promise<{ pointers: string[]; sealers: Types.ObjectId[] }> {
  if (inputBatchIds.length === 0) return { pointers: [], sealers: [] };
  const commissionings = await new TraceEventRepository(ctx.connection).commissioningBodies(inputBatchIds);
  const commitments = commissionings.flatMap((event) =>
    findSealedFields(event.body)
      .filter((field) => field.pointer === ORIGIN_LOCATION)
      .map((field) => field.commitment),
  );
  if (commitments.length === 0) return { pointers: [], sealers: [] };
  const openings = await new SealedFieldRepository(ctx.connection).openingsOf(commitments);
  const sealers = [...new Set(openings.map((opening) => opening.actorId.toHexString()))];
  return { pointers: [ORIGIN_LOCATION], sealers: sealers.map((id) => new Types.ObjectId(id)) };
}

/**
 * The openings of inherited pointers belong to the inputs' sealers (one copy each), the others to
 * whoever sealed them now.
 */
export function creditInheritedOpenings(
  openings: readonly SealedFieldDoc[],
  inherited: { pointers: readonly string[]; sealers: readonly Types.ObjectId[] },
): SealedFieldDoc[] {
  return openings.flatMap((opening) =>
    inherited.pointers.includes(opening.pointer) && inherited.sealers.length > 0
      ? inherited.sealers.map((sealer) => ({ ...opening, _id: new Types.ObjectId(), actorId: sealer }))
      : [opening],
  );
}

/** Which of these commitments `orgId` holds the opening of (sealed it, or was disclosed it). */
export async function commitmentsOpenedBy(
  ctx: UseCaseContext,
  commitments: readonly string[],
  orgId: string,
): Promise<Set<string>> {
  if (commitments.length === 0) return new Set();
  const openings = await new SealedFieldRepository(ctx.connection).openingsOf(commitments, orgId);
  return new Set(openings.map((opening) => opening.commitment));
}

export interface StoredOpening {
  commitment: string;
  pointer: string;
  salt: string;
  value: unknown;
}

/**
 * Openings of the given commitments that `actor` may see: those it sealed itself, or all of them
 * for auditors and admins.
 */
export async function openingsFor(
  ctx: UseCaseContext,
  commitments: readonly string[],
  actor: { orgId: string; seesAll: boolean },
): Promise<Map<string, StoredOpening>> {
  if (commitments.length === 0) return new Map();
  const docs = await new SealedFieldRepository(ctx.connection).openingsOf(
    commitments,
    actor.seesAll ? undefined : actor.orgId,
  );
  return new Map(
    docs.map((doc) => [
      doc.commitment,
      { commitment: doc.commitment, pointer: doc.pointer, salt: doc.salt, value: JSON.parse(doc.canonical) },
    ]),
  );
}
