/** The states of an anchoring window, in order (described in data/anchor-window.model.ts). */
export const WINDOW_STATES = [
  "claiming",
  "recorded",
  "submitted",
  "confirmed",
  "completed",
  "abandoned",
] as const;
export type WindowState = (typeof WINDOW_STATES)[number];
export const UNFINISHED_STATES: readonly WindowState[] = ["claiming", "recorded", "submitted", "confirmed"];
/** States whose root is on chain: the window's events are anchored. */
export const ANCHORED_STATES: readonly WindowState[] = ["confirmed", "completed"];
/** States in which a window's map root is fixed (recorded) and may already be on chain. */
export const MAPPED_STATES: readonly WindowState[] = ["recorded", "submitted", "confirmed", "completed"];
