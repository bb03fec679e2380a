import type { Finding } from "./findings";

/** A ledger's latest anchored head as the ledger map holds it (decision 0015). */
export interface AnchoredHead {
  ledgerId: string;
  /** A batch's events, a brand's licence register or an organization's observation log. */
  kind: "batch" | "brand" | "observations";
  seq: number;
  headHash: string;
}

/** What the database still holds of that ledger. */
export interface StoredLedger {
  headSeq: number;
  /** Hashes of the stored events at the anchored head's seq; null when they were not read. */
  hashesAtAnchoredSeq: string[] | null;
}

/**
 * A ledger the map anchored must still be stored at least up to its anchored head, with the very
 * event that was anchored there (issue 13: a deleted batch, a truncated tail, a rewritten head).
 * `stored` is null when the subject document (batch or brand) is gone. An anchored seq with no
 * stored event under a head that covers it is left to the chain check, which reports it missing.
 */
export function checkAnchoredHead(anchored: AnchoredHead, stored: StoredLedger | null): Finding[] {
  const at = {
    batch: { batchId: anchored.ledgerId },
    brand: { batchId: null, brandId: anchored.ledgerId },
    observations: { batchId: null },
  }[anchored.kind];
  const name = {
    batch: `batch ${anchored.ledgerId}`,
    brand: `brand ${anchored.ledgerId}'s licence register`,
    observations: `organization ${anchored.ledgerId}'s observation log`,
  }[anchored.kind];
  const mapSays = `the ledger map anchored ${name} up to seq ${anchored.seq} (head ${anchored.headHash})`;
  if (!stored) {
    const subject = { batch: "batch", brand: "brand", observations: "observation log" }[anchored.kind];
    return [
      {
        kind: "ledger_missing",
        ...at,
        detail: `${mapSays} but no such ${subject} is stored: it was deleted`,
      },
    ];
  }
  if (stored.headSeq < anchored.seq) {
    return [
      {
        kind: "head_behind_anchored_map",
        ...at,
        seq: anchored.seq,
        detail: `${mapSays} but its stored head is at seq ${stored.headSeq}: anchored events were cut off its tail`,
      },
    ];
  }
  const hashes = stored.hashesAtAnchoredSeq;
  if (!hashes || hashes.length === 0 || hashes.includes(anchored.headHash)) return [];
  return [
    {
      kind: "anchored_head_rewritten",
      ...at,
      seq: anchored.seq,
      detail: `${mapSays} but the event stored at seq ${anchored.seq} has hash ${hashes.join(", ")}: the anchored head was rewritten`,
    },
  ];
}

/** The newest anchored window's map root as the chain holds it, and the stored entries' rebuilt root. */
export interface AuditedMapRoot {
  windowIndex: number;
  root: string;
  chainMapRoot: string;
  rebuiltMapRoot: string;
}

/**
 * The stored map entries are the database's word for which ledgers were anchored: an entry deleted
 * together with its batch would hide the batch from the checks above. Rebuilt, they must give the
 * map root the registry holds for the newest window.
 */
export function checkLedgerMapRoot(map: AuditedMapRoot): Finding[] {
  if (map.rebuiltMapRoot === map.chainMapRoot) return [];
  return [
    {
      kind: "ledger_map_mismatch",
      batchId: null,
      detail: `the stored ledger map entries rebuild to ${map.rebuiltMapRoot}, but the registry holds map root ${map.chainMapRoot} for window ${map.windowIndex} (root ${map.root}): entries were edited or deleted, so ledgers may be missing from this audit`,
    },
  ];
}
