import { Types } from "mongoose";
import { observationLogModel, type ObservationLogDoc } from "./data/observation-log.model";
import { appendToLedger, materializeHead, type Ledger, type UseCaseContext } from "./append-event";
import type { TraceEventDoc } from "./data/trace-event.model";
import { TraceEventRepository } from "./data/trace-event.repository";
import { ZERO_HASH } from "./domain/event-hash";
import { buildObservationBody, type ObservationFacts } from "./domain/observation-body";
import { NotFoundError } from "../../platform/errors";

/**
 * An organization's observation log (decision 0031): what it captured about objects that are no
 * batch of its own — serialised items no registry places, returnable assets, containers, sensor
 * readings about no object, associations, error declarations of events not kept here. One hash
 * chain per organization, its events in the shared event collection (`subject: "observations"`),
 * so they are anchored, proven and mapped like every other event.
 */
export const OBSERVATION_LEDGER: Ledger<ObservationFacts> = {
  subject: "observations",
  collection: (connection) => observationLogModel(connection).collection,
  notFound: (id) => new NotFoundError("observation log", id),
  body: (facts, link) => buildObservationBody(facts, link) as unknown as Record<string, unknown>,
  // Like a batch, a log changes only through appends (a stale entry fails its compare-and-set);
  // ids are the organizations', so they never meet a batch's in the shared cache.
  heads: (ctx) => ctx.heads,
};

/** Appends an observation to the organization's log, opening the log on its first one. */
export async function appendObservation(
  ctx: UseCaseContext,
  orgId: string,
  facts: ObservationFacts,
): Promise<TraceEventDoc> {
  if (!ctx.heads?.get(orgId)) await openObservationLog(ctx, orgId);
  return appendToLedger(ctx, OBSERVATION_LEDGER, orgId, orgId, facts);
}

/** The log's head, with a commit its writer did not finish put in place; null before any. */
export async function observationLogOf(
  ctx: UseCaseContext,
  orgId: string,
): Promise<ObservationLogDoc | null> {
  const log = await observationLogModel(ctx.connection)
    .findById(new Types.ObjectId(orgId))
    .lean<ObservationLogDoc>();
  if (log) await materializeHead(ctx, log);
  return log;
}

/**
 * The observation logs whose events a query may return: the organization's (every log for
 * `"all"`), or none when there is no such log, so that a query without observations keeps the
 * batch-only filter.
 */
export async function observationLogsFor(
  ctx: UseCaseContext,
  orgId: string | "all",
): Promise<Types.ObjectId[] | "all" | undefined> {
  const logs = observationLogModel(ctx.connection);
  if (orgId === "all") return (await logs.exists({})) ? "all" : undefined;
  const id = new Types.ObjectId(orgId);
  return (await logs.exists({ _id: id })) ? [id] : undefined;
}

/** One event of the organization's log matching `conditions` (on the stored event), if any. */
export async function findObservation(
  ctx: UseCaseContext,
  orgId: string,
  conditions: Record<string, unknown>,
): Promise<TraceEventDoc | null> {
  if (!(await observationLogOf(ctx, orgId))) return null;
  return new TraceEventRepository(ctx.connection).findOneOf(new Types.ObjectId(orgId), conditions);
}

async function openObservationLog(ctx: UseCaseContext, orgId: string): Promise<void> {
  const id = new Types.ObjectId(orgId);
  await observationLogModel(ctx.connection).collection.updateOne(
    { _id: id },
    { $setOnInsert: { head: { seq: 0, hash: ZERO_HASH, eventId: id } } },
    { upsert: true },
  );
}
