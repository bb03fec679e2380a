import type { AuditedEvent, EventCheck, Finding } from "./findings";

/** A window as the audit needs it: stored root, stored leaf list and the tree rebuilt from it. */
export interface AuditedWindow {
  id: string;
  storedRoot: string | null;
  /** Event hashes in leaf order, as stored; null when the leaf list is missing. */
  leaves: string[] | null;
  /** Root of the tree rebuilt from `leaves`. */
  rebuiltRoot: string | null;
}

/** What the registry answers for a root: `anchorOf(root)`; timestamp 0 = not anchored. */
export interface ChainAnchor {
  timestamp: number;
  blockNumber: number;
  leafCount: number;
}

/**
 * Merkle inclusion of one anchored event: its stored hash is the leaf at `leafIndex` of its
 * window's stored leaf list, the window root is anchored on chain, and the leaf list rebuilds to
 * that root. Unanchored events (no anchor, or only a claim) are judged by their age instead.
 */
export function checkInclusion(
  event: AuditedEvent,
  window: AuditedWindow | undefined,
  anchorOf: (root: string) => ChainAnchor | undefined,
  unanchored: { nowMs: number; thresholdSec: number },
): { status: EventCheck["inclusion"]; anchoredAt: string | null; findings: Finding[] } {
  const at = { batchId: event.batchId, eventId: event.id, seq: event.seq };
  if (!event.anchor || event.anchor.root === null) {
    const ageMs = unanchored.nowMs - new Date(String(event.body.recordTime)).getTime();
    const state = event.anchor ? `claimed by window ${event.anchor.windowId}, not confirmed` : "not anchored";
    const findings: Finding[] =
      Number.isFinite(ageMs) && ageMs > unanchored.thresholdSec * 1000
        ? [
            {
              kind: "unanchored_too_long",
              ...at,
              detail: `recorded ${Math.floor(ageMs / 1000)} s ago and still ${state} (threshold ${unanchored.thresholdSec} s)`,
            },
          ]
        : [];
    return { status: "unanchored", anchoredAt: null, findings };
  }
  const notInTree = (detail: string) => ({
    status: "not_in_tree" as const,
    anchoredAt: null,
    findings: [{ kind: "not_in_tree" as const, ...at, detail }],
  });
  const { windowId, leafIndex } = event.anchor;
  if (!window || !window.leaves || !window.storedRoot) {
    return notInTree(`window ${windowId} or its leaf list is not stored`);
  }
  const leaf = leafIndex !== null ? window.leaves[leafIndex] : undefined;
  if (leaf !== event.hash) {
    return notInTree(
      `leaf ${String(leafIndex)} of window ${windowId} is ${leaf ?? "absent"}, not the event hash ${event.hash}`,
    );
  }
  const onChain = anchorOf(window.storedRoot);
  if (!onChain || onChain.timestamp === 0) {
    const rebuilt = window.rebuiltRoot ? anchorOf(window.rebuiltRoot) : undefined;
    const note =
      window.rebuiltRoot !== window.storedRoot && rebuilt && rebuilt.timestamp > 0
        ? `; its leaf list rebuilds to ${window.rebuiltRoot}, which is anchored (block ${rebuilt.blockNumber})`
        : "";
    return {
      status: "root_not_on_chain",
      anchoredAt: null,
      findings: [
        {
          kind: "root_not_on_chain",
          ...at,
          detail: `root ${window.storedRoot} of window ${windowId} is not anchored on chain${note}`,
        },
      ],
    };
  }
  if (window.rebuiltRoot !== window.storedRoot) {
    return notInTree(
      `the stored leaf list of window ${windowId} rebuilds to ${String(window.rebuiltRoot)}, not its anchored root ${window.storedRoot}`,
    );
  }
  const findings: Finding[] = [];
  if (event.anchor.root !== window.storedRoot) {
    findings.push({
      kind: "stored_field_mismatch",
      ...at,
      detail: `anchor.root ${event.anchor.root} ≠ root ${window.storedRoot} of window ${windowId}`,
    });
  }
  return { status: "ok", anchoredAt: new Date(onChain.timestamp * 1000).toISOString(), findings };
}
