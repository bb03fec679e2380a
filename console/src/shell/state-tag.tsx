import type { ReactNode } from "react";

export type Tone = "ok" | "warn" | "bad" | "neutral";

/**
 * A small coloured label for a state (anchored, pending, recalled …). antd's coloured tags draw
 * light text on light backgrounds (about 3:1); these keep WCAG AA contrast.
 */
export function StateTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`state-tag state-tag-${tone}`}>{children}</span>;
}
