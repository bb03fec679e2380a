/** A value the producer sealed (decision 0008): the page says it is hidden, provable by hash. */
export const HIDDEN = { hidden: true } as const;
export type Shown<T> = T | typeof HIDDEN;
