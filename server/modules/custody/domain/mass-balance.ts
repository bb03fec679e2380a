/**
 * Mass balance: a batch can never ship, split or transform more than it has available, in its
 * own unit. Returns the problem in words, or null when the quantity can be taken.
 */
export function massBalanceProblem(
  available: { value: number; unit: string },
  requested: { value: number; unit: string },
): string | null {
  if (requested.unit !== available.unit) {
    return `quantity must be in the batch's unit ${available.unit}, not ${requested.unit}`;
  }
  if (!(requested.value > 0)) return "quantity must be greater than 0";
  if (requested.value > available.value + EPSILON) {
    return `requested ${requested.value} ${requested.unit} but only ${available.value} ${available.unit} is available`;
  }
  return null;
}

/** What is left after taking `taken`; rounded so that repeated decimal splits do not drift. */
export function remainingAfter(available: number, taken: number): number {
  const left = Math.round((available - taken) * 1e9) / 1e9;
  return Math.abs(left) < EPSILON ? 0 : left;
}

const EPSILON = 1e-9;
