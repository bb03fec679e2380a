import { Types } from "mongoose";
import type { UseCaseContext } from "../ledger";
import type { RecordingActor } from "../ingest";
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from "../../platform/errors";
import { EpcisNamedQueryRepository } from "./data/epcis-named-query.repository";
import type { EpcisNamedQueryDoc, EpcisSubscriptionDoc } from "./data/epcis-named-query.model";
import { parseSimpleEventQuery, type SimpleEventQuery } from "./domain/simple-event-query";
import { nextScheduledTime, scheduleProblems, type QuerySchedule } from "./domain/query-schedule";
import { destinationProblem } from "./domain/subscription-destination";
import { runSimpleEventQuery } from "./epcis-query";

/**
 * Named queries and subscriptions of the EPCIS 2.0 REST binding (`/epcis/queries`), per
 * organization: a name is the caller's own, another organization's queries are not found, and a
 * query runs with the tenancy of the organization that owns it.
 */
export type QueryParameters = Record<string, string[]>;

/** Parameters that shape one answer; a subscription delivers every new match in record order. */
const NOT_FOR_SUBSCRIPTIONS = [
  "orderBy",
  "orderDirection",
  "eventCountLimit",
  "maxEventCount",
  "perPage",
  "nextPageToken",
];

export async function createNamedQuery(
  ctx: UseCaseContext,
  actor: RecordingActor,
  input: { name: string; query: Record<string, string | string[] | number | boolean> },
): Promise<Omit<EpcisNamedQueryDoc, "_id">> {
  const parameters: QueryParameters = Object.fromEntries(
    Object.entries(input.query).map(([name, value]) => [
      name,
      (Array.isArray(value) ? value : [value]).map(String),
    ]),
  );
  parsedOrThrow(parameters, "body.query");
  const query = {
    orgId: new Types.ObjectId(actor.orgId),
    name: input.name,
    parameters,
    createdAt: ctx.now(),
  };
  if (!(await repository(ctx).createQuery(query)))
    throw new ConflictError(`a query named ${input.name} exists already (delete it first)`);
  return query;
}

export async function listNamedQueries(ctx: UseCaseContext, actor: RecordingActor) {
  return repository(ctx).listQueries(new Types.ObjectId(actor.orgId));
}

export async function getNamedQuery(ctx: UseCaseContext, actor: RecordingActor, name: string) {
  const query = await repository(ctx).findQuery(new Types.ObjectId(actor.orgId), name);
  if (!query) throw new NotFoundError("query", name);
  return query;
}

export async function deleteNamedQuery(ctx: UseCaseContext, actor: RecordingActor, name: string) {
  if (!(await repository(ctx).deleteQuery(new Types.ObjectId(actor.orgId), name)))
    throw new NotFoundError("query", name);
}

/** The named query's events, a page at a time (`perPage`, `nextPageToken` of this request). */
export async function runNamedQuery(
  ctx: UseCaseContext,
  actor: RecordingActor,
  name: string,
  page: Record<string, string | string[]>,
  base: string,
) {
  const stored = await getNamedQuery(ctx, actor, name);
  const query = parsedOrThrow({ ...stored.parameters, ...page }, "query");
  return runSimpleEventQuery(ctx, actor, query, base);
}

export interface SubscriptionRequest {
  dest: string;
  signatureToken?: string;
  reportIfEmpty?: boolean;
  stream?: boolean;
  schedule?: QuerySchedule;
  initialRecordTime?: string;
}

/**
 * Subscribes `dest` to the named query: `stream: true` delivers new matches as they are recorded,
 * a `schedule` delivers what was recorded since the last run at the times it names (also when
 * nothing was, with `reportIfEmpty`). Delivery starts with events recorded from
 * `initialRecordTime` (default: now).
 */
export async function subscribe(
  ctx: UseCaseContext,
  actor: RecordingActor,
  queryName: string,
  request: SubscriptionRequest,
  allowedHosts: readonly string[],
): Promise<EpcisSubscriptionDoc> {
  const stored = await getNamedQuery(ctx, actor, queryName);
  const problems: FieldProblem[] = [];
  const destination = destinationProblem(request.dest, allowedHosts);
  if (destination) problems.push({ field: "body.dest", problem: destination });
  if (Boolean(request.stream) === Boolean(request.schedule))
    problems.push({ field: "body.stream", problem: "give either stream: true or a schedule" });
  if (request.stream && request.reportIfEmpty)
    problems.push({ field: "body.reportIfEmpty", problem: "applies to scheduled subscriptions only" });
  const badSchedule = scheduleProblems(request.schedule ?? {});
  for (const problem of badSchedule)
    problems.push({ field: `body.schedule.${problem.field}`, problem: problem.problem });
  for (const name of NOT_FOR_SUBSCRIPTIONS.filter((name) => name in stored.parameters))
    problems.push({
      field: `query.${name}`,
      problem: "shapes one answer; a subscription delivers every new match in record order",
    });
  const now = ctx.now();
  const start = request.initialRecordTime ? new Date(request.initialRecordTime) : now;
  const firstAttempt =
    request.schedule && badSchedule.length === 0 ? nextScheduledTime(request.schedule, now) : now;
  if (!firstAttempt) problems.push({ field: "body.schedule", problem: "names no time within a year" });
  if (problems.length)
    throw new ValidationError(
      problems.map((problem) => `${problem.field} ${problem.problem}`).join("; "),
      problems,
    );
  return repository(ctx).createSubscription({
    orgId: new Types.ObjectId(actor.orgId),
    queryName,
    dest: request.dest,
    ...(request.signatureToken ? { signatureToken: request.signatureToken } : {}),
    reportIfEmpty: Boolean(request.reportIfEmpty),
    stream: Boolean(request.stream),
    ...(request.schedule ? { schedule: request.schedule } : {}),
    cursor: cursorAt(start),
    nextAttemptAtMs: firstAttempt!.getTime(),
    createdAt: now,
  });
}

export async function listSubscriptions(ctx: UseCaseContext, actor: RecordingActor, queryName: string) {
  await getNamedQuery(ctx, actor, queryName);
  return repository(ctx).listSubscriptions(new Types.ObjectId(actor.orgId), queryName);
}

export async function getSubscription(
  ctx: UseCaseContext,
  actor: RecordingActor,
  queryName: string,
  id: string,
) {
  const found = await repository(ctx).findSubscription(new Types.ObjectId(actor.orgId), queryName, id);
  if (!found) throw new NotFoundError("subscription", id);
  return found;
}

export async function unsubscribe(ctx: UseCaseContext, actor: RecordingActor, queryName: string, id: string) {
  if (!(await repository(ctx).deleteSubscription(new Types.ObjectId(actor.orgId), queryName, id)))
    throw new NotFoundError("subscription", id);
}

/** A subscription as its owner sees it (no signature token). */
export function subscriptionView(subscription: EpcisSubscriptionDoc) {
  return {
    subscriptionID: subscription._id.toHexString(),
    queryName: subscription.queryName,
    dest: subscription.dest,
    stream: subscription.stream,
    ...(subscription.schedule ? { schedule: subscription.schedule } : {}),
    reportIfEmpty: subscription.reportIfEmpty,
    createdAt: subscription.createdAt.toISOString(),
    delivered: subscription.delivered,
    attempts: subscription.attempts,
    ...(subscription.lastError ? { lastError: subscription.lastError } : {}),
  };
}

export function parsedOrThrow(parameters: Record<string, unknown>, prefix: string): SimpleEventQuery {
  const parsed = parseSimpleEventQuery(parameters);
  if (parsed.ok) return parsed.query;
  const problems = parsed.problems.map((problem) => ({
    field: `${prefix}.${problem.field.slice("query.".length)}`,
    problem: problem.message,
  }));
  throw new ValidationError(
    `QueryParameterException: ${problems.map((problem) => `${problem.field} ${problem.problem}`).join("; ")}`,
    problems,
  );
}

/** A query token before every event recorded from `time` on (ids begin with their second). */
export function cursorAt(time: Date): string {
  const id = Types.ObjectId.createFromTime(Math.floor(time.getTime() / 1000));
  return Buffer.from(id.toHexString()).toString("base64url");
}

function repository(ctx: UseCaseContext) {
  return new EpcisNamedQueryRepository(ctx.connection);
}
