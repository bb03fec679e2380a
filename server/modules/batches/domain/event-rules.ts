import type { BatchStatus } from "../../batches/domain/batch-status";
import type { EventType } from "../../ledger";

/**
 * Which client-posted event types a batch accepts in each status, and how an event changes the
 * batch. Pure, so the rules can be read and tested in one place.
 */
const BLOCKED: Record<BatchStatus, readonly EventType[] | "all-but-observation"> = {
  active: [],
  in_transit: ["selling", "destroying", "packing", "storing"],
  recalled: ["selling", "shipping", "packing"],
  consumed: "all-but-observation",
  destroyed: "all-but-observation",
  sold: ["selling", "shipping", "packing", "storing"],
};

export function eventBlockedReason(status: BatchStatus, type: EventType): string | null {
  const blocked = BLOCKED[status];
  const isBlocked =
    blocked === "all-but-observation"
      ? type !== "observation" && type !== "inspecting"
      : blocked.includes(type);
  return isBlocked ? `a ${status} batch does not accept ${type} events` : null;
}

/** The batch fields an event changes: recall and destruction change its status for good. */
export function batchChangesFor(type: EventType): { status?: BatchStatus; available?: number } {
  switch (type) {
    case "recalling":
      return { status: "recalled" };
    case "destroying":
      return { status: "destroyed", available: 0 };
    default:
      return {};
  }
}

/**
 * Who may post which event: holder and producer; inspections also by certifiers and auditors that
 * hold an inspection mandate for the batch (decision 0020, decided by the caller).
 */
export function mayRecordEvent(
  actor: { orgId: string; roles: readonly string[] },
  batch: { producerId: string; holderId: string },
  type: EventType,
  inspectionMandate = false,
): boolean {
  if (actor.roles.includes("admin")) return true;
  if (type === "recalling") return actor.orgId === batch.producerId;
  if (actor.orgId === batch.holderId || actor.orgId === batch.producerId) return true;
  return inspectionMandate && (type === "inspecting" || type === "observation");
}
