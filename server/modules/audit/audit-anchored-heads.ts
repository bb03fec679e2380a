import type { Connection } from "mongoose";
import { LedgerMapCache, LedgerMapStore, idLedgerKey } from "../anchoring";
import { BatchRepository } from "../batches";
import { BrandRepository } from "../brands";
import { observationLogOf } from "../ledger";
import {
  checkAnchoredHead,
  checkLedgerMapRoot,
  type AnchoredHead,
  type EventCheck,
  type Finding,
} from "./domain/audit";
import type { AuditContext } from "./audit-batches";

/**
 * The audit's side of completeness (decision 0015, issue 13 finding 4): every ledger the anchoring
 * map holds is compared with what the database still stores of it. Only a completed window writes
 * map entries and events are stored before they are anchored, so events read after the entries
 * include each anchored head; a subject's head read before the entries may lag, so it is read
 * again before being reported behind.
 */
export class AnchoredHeadAudit {
  private constructor(
    private readonly connection: Connection,
    /** Anchored heads not checked yet, by ledger id. */
    private readonly pending: Map<string, AnchoredHead>,
  ) {}

  /** Reads the latest anchored head of every ledger (no `ledgerIds`) or of these ledgers. */
  static async read(connection: Connection, ledgerIds?: readonly string[]): Promise<AnchoredHeadAudit> {
    const heads = await new LedgerMapStore(connection).currentHeads(ledgerIds);
    const pending = new Map<string, AnchoredHead>(
      heads.map((head) => [
        head.ledgerId,
        {
          ledgerId: head.ledgerId,
          // A brand's register and an observation log are keyed by their id; a batch by its GS1 key or its id.
          kind:
            head.key === idLedgerKey("brand", head.ledgerId)
              ? "brand"
              : head.key === idLedgerKey("observations", head.ledgerId)
                ? "observations"
                : "batch",
          seq: head.seq,
          headHash: head.headHash,
        },
      ]),
    );
    return new AnchoredHeadAudit(connection, pending);
  }

  /**
   * An audited ledger against its anchored head (nothing when the map holds none): `headSeq` as the
   * run read it (null: not read), `checks` the run's checks of its stored events.
   */
  async checkAudited(
    ledgerId: string,
    headSeq: number | null,
    checks: readonly EventCheck[],
  ): Promise<Finding[]> {
    const anchored = this.pending.get(ledgerId);
    if (!anchored) return [];
    this.pending.delete(ledgerId);
    const current = headSeq !== null && headSeq >= anchored.seq ? headSeq : await this.headSeqOf(anchored);
    const hashesAtAnchoredSeq = checks
      .filter((check) => check.seq === anchored.seq)
      .map((check) => check.storedHash);
    return checkAnchoredHead(anchored, current === null ? null : { headSeq: current, hashesAtAnchoredSeq });
  }

  /**
   * The ledgers not checked through `checkAudited`: each subject must still be stored and its head
   * must reach the anchored one (their events are not read; one lookup by id per ledger).
   */
  async checkRest(): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const anchored of this.pending.values()) {
      const headSeq = await this.headSeqOf(anchored);
      findings.push(
        ...checkAnchoredHead(anchored, headSeq === null ? null : { headSeq, hashesAtAnchoredSeq: null }),
      );
    }
    this.pending.clear();
    return findings;
  }

  /** The stored head seq of the ledger's subject, or null when the batch or brand is gone. */
  private async headSeqOf(anchored: AnchoredHead): Promise<number | null> {
    const subject =
      anchored.kind === "brand"
        ? await new BrandRepository(this.connection).headOf(anchored.ledgerId)
        : anchored.kind === "observations"
          ? await observationLogOf({ connection: this.connection, now: () => new Date() }, anchored.ledgerId)
          : await new BatchRepository(this.connection).findById(anchored.ledgerId);
    return subject ? (subject.head?.seq ?? 0) : null;
  }
}

/**
 * The stored map entries, rebuilt as of the newest anchored window, against the map root the
 * registry holds for that window (nothing before the first window with a map).
 */
export async function auditLedgerMapRoot(ctx: AuditContext): Promise<Finding[]> {
  const maps = new LedgerMapCache(ctx.connection);
  const window = await maps.store.latestAnchored();
  if (!window?.root) return [];
  const { map } = await maps.mapAfter(window);
  return checkLedgerMapRoot({
    windowIndex: window.windowIndex ?? 0,
    root: window.root,
    chainMapRoot: (await ctx.chain.registry.mapRootOf(window.root)).toLowerCase(),
    rebuiltMapRoot: map.root,
  });
}
