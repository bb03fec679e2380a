import { AppError, ValidationError, type FieldProblem } from "../../platform/errors";
import { storeOpenings, type UseCaseContext } from "../ledger";
import { appendEvents, type BatchGuard } from "../batches";
import { eventGuard, findRecordableBatch, prepareEvent, type NewEvent } from "./record-event";

/**
 * Records several client events on one batch, all or nothing, with the same checks as one event
 * (recordEvent) applied to each in order; a refusal names the event (`body.events[3]…`).
 */
export async function recordEvents(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batchId: string,
  inputs: NewEvent[],
) {
  const { batch, mandate } = await findRecordableBatch(ctx, actor, batchId);
  const guards = inputs.map(
    (input, index): BatchGuard =>
      (current) =>
        atEventSync(index, () => eventGuard(actor, input.type, mandate)(current)),
  );
  // Each guard sees the batch as the events before it leave it, as at the append.
  guards.reduce((current, guard) => ({ ...current, ...guard(current) }), batch);
  const prepared = [];
  for (const [index, input] of inputs.entries())
    prepared.push(await atEvent(index, () => prepareEvent(ctx, actor, batchId, input)));
  await storeOpenings(
    ctx,
    prepared.flatMap((event) => event.openings),
  );
  return appendEvents(
    ctx,
    batchId,
    actor.orgId,
    prepared.map((event) => event.facts),
    guards,
  );
}

async function atEvent<T>(index: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw readdressed(index, error);
  }
}

function atEventSync<T>(index: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw readdressed(index, error);
  }
}

/** The same refusal, addressed to the event in the list: `body.x` becomes `body.events[i].x`. */
function readdressed(index: number, error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const prefix = `body.events[${index}]`;
  const field = (path: string) => (path.startsWith("body.") ? `${prefix}${path.slice(4)}` : path);
  if (error instanceof ValidationError) {
    const problems = ((error.details as FieldProblem[] | undefined) ?? []).map((problem) => ({
      ...problem,
      field: field(problem.field),
    }));
    const message = problems.length > 0 ? `${problems[0].field} ${problems[0].problem}` : error.message;
    return new ValidationError(message, problems, error.httpStatus);
  }
  const details = typeof error.details === "object" && error.details !== null ? error.details : {};
  return new AppError(error.code, `${prefix}: ${error.message}`, error.httpStatus, {
    event: index,
    ...details,
  });
}
