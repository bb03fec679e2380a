import { ValidationError } from "../../../platform/errors";
import { storableJsonProblems } from "../../../platform/storable-json";

/**
 * The ledger's own guard that an event body is stored exactly as it is hashed (decision 0017).
 * Every write path refuses such input at its edge with a field-named 400; this check runs where
 * every event is built, so a path that forgets (or a new one) still cannot anchor a hash that the
 * stored record would never match again.
 */
export function assertStorableBody(body: Record<string, unknown>): void {
  const problems = storableJsonProblems(body, "body");
  if (problems.length === 0) return;
  const [first] = problems;
  throw new ValidationError(`event ${first.field} ${first.problem}`, problems);
}
