import { roundQuantity, PIECES } from "../../brands";

/**
 * Branded batches grouped the way labels and shipments must be compared: a *family* is a batch
 * that was not split from another branded batch (a harvest registered with the brand, or a
 * transformation output) together with every batch split from it, recursively. Pure.
 */
export type Quantity = { value: number; unit: string };

export interface ReportBatch {
  id: string;
  lot: string;
  gtin: string | null;
  producerId: string;
  holderId: string;
  licenceId: string | null;
  quantity: Quantity;
  available: number;
  inputs: { batchId: string; kind: "split" | "transformation" }[];
}

export interface LabelTotals {
  count: number;
  quantity: number;
}

export interface ShipmentFacts {
  transfers: readonly { batchId: string; fromId: string; quantity: Quantity; status: string }[];
  movements: readonly { batchId: string; type: string; actorId: string; quantity: Quantity | null }[];
}

/**
 * Whether the batch took quota from its licence: registered with the brand (no inputs), or a
 * transformation output not made only of the brand's batches. Split children and outputs of the
 * brand's batches alone inherit the claim (decision 0010).
 */
export function claimsQuota(batch: ReportBatch, brandBatchIds: ReadonlySet<string>): boolean {
  if (batch.inputs.length === 0) return true;
  return !batch.inputs.every((input) => brandBatchIds.has(input.batchId));
}

/**
 * Labels per batch: how many serials and the quantity they stand for (Σ itemQuantity). A serial
 * without a stated item quantity counts one piece on a pieces (H87) batch and nothing otherwise.
 */
export function batchLabels(
  batches: readonly ReportBatch[],
  groups: readonly { batchId: string; itemValue: number | null; count: number }[],
): Map<string, LabelTotals> {
  const units = new Map(batches.map((batch) => [batch.id, batch.quantity.unit]));
  const totals = new Map<string, LabelTotals>();
  for (const group of groups) {
    const item = group.itemValue ?? (units.get(group.batchId) === PIECES ? 1 : 0);
    const total = totals.get(group.batchId) ?? { count: 0, quantity: 0 };
    total.count += group.count;
    total.quantity = roundQuantity(total.quantity + item * group.count);
    totals.set(group.batchId, total);
  }
  return totals;
}

/** Family roots with their members (the root first), among the brand's batches. */
export function families(batches: readonly ReportBatch[]): { root: ReportBatch; members: ReportBatch[] }[] {
  const byId = new Map(batches.map((batch) => [batch.id, batch]));
  const rootOf = (batch: ReportBatch): ReportBatch => {
    let current = batch;
    for (let depth = 0; depth < 100; depth++) {
      const split = current.inputs.length === 1 && current.inputs[0].kind === "split";
      const parent = split ? byId.get(current.inputs[0].batchId) : undefined;
      if (!parent) return current;
      current = parent;
    }
    return current;
  };
  const grouped = new Map<string, { root: ReportBatch; members: ReportBatch[] }>();
  for (const batch of batches) {
    const root = rootOf(batch);
    const family = grouped.get(root.id) ?? { root, members: [] };
    if (batch.id === root.id) family.members.unshift(batch);
    else family.members.push(batch);
    grouped.set(root.id, family);
  }
  return [...grouped.values()];
}

/**
 * What of a family has left its producer (the root's producer): every transfer of a member sent
 * by the producer that is pending or accepted (a rejected one came back), plus, for each member
 * the producer still holds and has recorded a selling event on, the quantities those events
 * state in the member's unit (`data.quantity`), or the member's available quantity when none
 * states one. At most the root's quantity.
 */
export function shippedQuantity(
  family: { root: ReportBatch; members: readonly ReportBatch[] },
  facts: ShipmentFacts,
): number {
  const producer = family.root.producerId;
  const unit = family.root.quantity.unit;
  const ids = new Set(family.members.map((member) => member.id));
  const transferred = facts.transfers
    .filter(
      (transfer) =>
        ids.has(transfer.batchId) &&
        transfer.fromId === producer &&
        transfer.status !== "rejected" &&
        transfer.quantity.unit === unit,
    )
    .reduce((sum, transfer) => sum + transfer.quantity.value, 0);
  let sold = 0;
  for (const member of family.members) {
    if (member.holderId !== producer) continue;
    const sales = facts.movements.filter(
      (event) => event.batchId === member.id && event.type === "selling" && event.actorId === producer,
    );
    if (sales.length === 0) continue;
    const stated = sales.filter((event) => event.quantity?.unit === unit);
    sold +=
      stated.length > 0
        ? Math.min(
            member.available,
            stated.reduce((sum, event) => sum + event.quantity!.value, 0),
          )
        : member.available;
  }
  return roundQuantity(Math.min(family.root.quantity.value, transferred + sold));
}
