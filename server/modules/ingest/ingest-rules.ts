import { type BatchStatus, batchChangesFor, eventBlockedReason, mayRecordEvent } from "../batches";
import type { EventType } from "../ledger";
import { massBalanceProblem, remainingAfter } from "../custody";

/**
 * The rules of the REST API for recording on a batch, as pure functions, so that EPCIS capture
 * and spreadsheet import check a whole document against them before writing anything (on a
 * simulated copy of each batch) and again, atomically, when each event is appended.
 */
export interface RecordingActor {
  orgId: string;
  roles: readonly string[];
}

export type Quantity = { value: number; unit: string };

export interface RuleBatch {
  id: string;
  producerId: string;
  holderId: string;
  status: BatchStatus;
  available: number;
  unit: string;
  pendingTransfer: boolean;
}

export interface RuleProblem {
  code: "FORBIDDEN" | "BATCH_STATE" | "MASS_BALANCE";
  message: string;
}

/** Why `actor` may not record `type` on `batch` (consuming `consume` from it), or null. */
export function appendProblem(
  actor: RecordingActor,
  batch: RuleBatch,
  type: EventType,
  consume?: Quantity,
): RuleProblem | null {
  if (consume) {
    if (batch.holderId !== actor.orgId) {
      return {
        code: "FORBIDDEN",
        message: `only the current holder of batch ${batch.id} can consume from it`,
      };
    }
    if (batch.status !== "active")
      return { code: "BATCH_STATE", message: `batch ${batch.id} is ${batch.status}` };
    if (batch.pendingTransfer)
      return { code: "BATCH_STATE", message: `batch ${batch.id} has a pending transfer` };
    const problem = massBalanceProblem({ value: batch.available, unit: batch.unit }, consume);
    return problem ? { code: "MASS_BALANCE", message: problem } : null;
  }
  // Imports and captures do not look up certifications: of the inspectors, only auditors (whose
  // mandate is their role, decision 0020) record inspections through them.
  const mandate = actor.roles.includes("auditor");
  if (!mayRecordEvent(actor, { producerId: batch.producerId, holderId: batch.holderId }, type, mandate)) {
    return {
      code: "FORBIDDEN",
      message:
        type === "recalling"
          ? `only the producer of batch ${batch.id} can recall it`
          : `only the holder or producer of batch ${batch.id} can record ${type} events on it`,
    };
  }
  const blocked = eventBlockedReason(batch.status, type);
  return blocked ? { code: "BATCH_STATE", message: `batch ${batch.id}: ${blocked}` } : null;
}

/** What the event changes on the batch. */
export function appendChanges(
  batch: RuleBatch,
  type: EventType,
  consume?: Quantity,
): { status?: BatchStatus; available?: number } {
  if (consume) {
    const available = remainingAfter(batch.available, consume.value);
    return { available, ...(available === 0 ? { status: "consumed" as const } : {}) };
  }
  return batchChangesFor(type);
}

/** Roles that may register batches: producers harvest, processors (and producers) transform. */
export function registerRolesProblem(
  actor: RecordingActor,
  via: "commissioning" | "transformation-output",
): RuleProblem | null {
  const allowed = via === "commissioning" ? ["producer"] : ["processor", "producer"];
  if (actor.roles.some((role) => allowed.includes(role))) return null;
  return {
    code: "FORBIDDEN",
    message: `registering a batch ${via === "commissioning" ? "" : "made by a transformation "}needs one of the roles ${allowed.join(", ")}`,
  };
}
