import { assertMayReadBatch, type BatchOwners } from "../batches-policy";
import { actorOf } from "../../organizations";

/** Refuses (404, as for an unknown batch) a caller that may not read the batch: see assertMayReadBatch. */
export function assertBatchVisible(res: { locals: Record<string, unknown> }, batch: BatchOwners): void {
  assertMayReadBatch(actorOf(res), batch);
}
