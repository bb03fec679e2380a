import { roundQuantity } from "./brand-rules";

/**
 * Item labels of a branded batch (decision 0010, issue 7): each serial stands for an item holding
 * a stated quantity, and a batch can never carry labels for more than it holds. Pure: the use-case
 * takes the room with conditional updates.
 */
export type Quantity = { value: number; unit: string };

/** UN/CEFACT Rec 20 "piece": a batch counted in pieces labels one piece per item by default. */
export const PIECES = "H87";

export type ItemQuantityDecision =
  | { itemQuantity: Quantity | null }
  | { field: "body.itemQuantity" | "body.itemQuantity.unit" | "body.itemQuantity.value"; problem: string };

/**
 * What each labelled item holds. Branded batches must say it (pieces batches default to one piece
 * per item); the unit must be the batch's own, since no conversion is guessed. Unbranded batches
 * may leave it out (null).
 */
export function decideItemQuantity(
  batchUnit: string,
  branded: boolean,
  requested: Quantity | undefined,
): ItemQuantityDecision {
  if (!requested) {
    if (batchUnit === PIECES) return { itemQuantity: { value: 1, unit: PIECES } };
    if (!branded) return { itemQuantity: null };
    return {
      field: "body.itemQuantity",
      problem: `is required for a branded batch: state what each item holds in ${batchUnit}, the batch's unit (e.g. { "value": 0.25, "unit": "${batchUnit}" })`,
    };
  }
  if (requested.unit !== batchUnit) {
    return {
      field: "body.itemQuantity.unit",
      problem: `must be ${batchUnit}, the unit of the batch (${requested.unit} is not converted)`,
    };
  }
  if (batchUnit === PIECES && !Number.isInteger(requested.value)) {
    return { field: "body.itemQuantity.value", problem: "must be a whole number of pieces" };
  }
  return { itemQuantity: requested };
}

/** The quantity `count` items of `item` hold together. */
export function labelledQuantity(count: number, item: Quantity): number {
  return roundQuantity(count * item.value);
}

/** What is left to label on a batch whose labels (its own and its split batches') hold `labelled`. */
export function leftToLabel(quantity: number, labelled: number | undefined): number {
  return Math.max(0, roundQuantity(quantity - (labelled ?? 0)));
}

/** The largest `labelled` a batch may have before taking `amount` more (float noise allowed for). */
export function labelledCeiling(quantity: number, amount: number): number {
  return quantity - amount + 1e-9;
}

/** How many more items of `item` fit in what is left. */
export function itemsThatFit(left: number, item: Quantity): number {
  return Math.floor(roundQuantity(left / item.value) + 1e-9);
}
