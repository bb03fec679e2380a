import { Types, type mongo } from "mongoose";
import type { TraceEventDoc } from "./data/trace-event.model";
import {
  applyGuards,
  ledgerEvents,
  materializeHead,
  type AppendGuard,
  type Ledger,
  type LedgerFacts,
  type UseCaseContext,
} from "./append-event";
import { encodeCommit, insertCommitted } from "./commit-events";
import type { LedgerHeadDoc } from "./ledger-head";
import { timeSlicer } from "../../platform/threads/time-slice";

/** Events to commit on one chain, each with its guard (as commitToLedger takes them). */
export interface ChainCommit<Subject extends LedgerHeadDoc, Facts extends LedgerFacts> {
  subjectId: string;
  facts: Facts[];
  guards: AppendGuard<Subject>[];
}

/**
 * Commits events on several chains with a few commands for all of them instead of a few per chain:
 * the compare-and-sets of every head in one bulk write, then every committed event in one ordered
 * insert (each chain's events oldest first, so a newest event is present only once its
 * predecessors are), then one bulk write dropping the `lastEvents` copies. Each chain's commit is
 * exactly commitToLedger's (same head filter, same copies kept for repair), only sent together.
 *
 * No retries here: a chain whose guard refuses or whose compare-and-set loses answers `null`, and
 * nothing of it is written; the caller commits it alone (commitToLedger re-reads, retries and
 * refuses with the right message).
 */
export async function commitChains<Subject extends LedgerHeadDoc, Facts extends LedgerFacts>(
  ctx: UseCaseContext,
  ledger: Ledger<Facts>,
  actorId: string,
  commits: ChainCommit<Subject, Facts>[],
): Promise<(TraceEventDoc[] | null)[]> {
  const subjects = ledger.collection(ctx.connection);
  const heads = ledger.heads?.(ctx);
  const current = await currentSubjects<Subject>(ctx, ledger, commits);
  // Hashing hundreds of events takes longer than a slice of the event loop.
  const pause = timeSlicer();
  const planned = [];
  for (const commit of commits) {
    await pause();
    planned.push(planCommit(ctx, ledger, actorId, commit, current.get(commit.subjectId)));
  }
  const sent = planned.filter((item) => item !== null);
  if (sent.length === 0) return planned.map(() => null);
  const result = await subjects.bulkWrite(
    sent.map(({ subject, changes, events, head }): mongo.AnyBulkWriteOperation => {
      const last = events[events.length - 1];
      const update =
        events.length > 1
          ? { $set: { ...changes, head, lastEvent: last, lastEvents: encodeCommit(events) } }
          : { $set: { ...changes, head, lastEvent: last }, $unset: { lastEvents: "" } };
      return { updateOne: { filter: { _id: subject._id, "head.seq": subject.head.seq }, update } };
    }),
    { ordered: false },
  );
  const won = result.modifiedCount === sent.length ? new Set(sent) : await committedOf(ctx, ledger, sent);
  for (const item of sent) {
    const id = item.subject._id.toHexString();
    if (!won.has(item)) {
      heads?.delete(id);
      continue;
    }
    const { lastEvents: _copies, ...kept } = item.subject as Subject & { lastEvents?: unknown };
    const last = item.events[item.events.length - 1] as unknown as Record<string, unknown>;
    heads?.set({ ...kept, ...item.changes, head: item.head, lastEvent: last });
  }
  const committed = sent.filter((item) => won.has(item));
  await insertCommitted(
    ctx.connection,
    committed.flatMap((item) => item.events),
    { knownMissing: true },
  );
  const copies = committed.filter((item) => item.events.length > 1);
  if (copies.length > 0) {
    await subjects.bulkWrite(
      copies.map(({ subject, head }) => ({
        updateOne: {
          filter: { _id: subject._id, "head.eventId": head.eventId },
          update: { $unset: { lastEvents: "" } },
        },
      })),
      { ordered: false },
    );
  }
  return planned.map((item) => (item && won.has(item) ? item.events : null));
}

/** A chain's events and head change, or null if its guard refuses (or it was not found). */
function planCommit<Subject extends LedgerHeadDoc, Facts extends LedgerFacts>(
  ctx: UseCaseContext,
  ledger: Ledger<Facts>,
  actorId: string,
  commit: ChainCommit<Subject, Facts>,
  subject: Subject | undefined,
) {
  if (!subject) return null;
  let changes: NonNullable<ReturnType<AppendGuard<Subject>>>;
  try {
    changes = applyGuards(subject, commit.guards);
  } catch {
    return null;
  }
  const events = ledgerEvents(ctx, ledger, subject, actorId, commit.facts);
  const last = events[events.length - 1];
  return { subject, changes, events, head: { seq: last.seq, hash: last.hash, eventId: last._id } };
}

/**
 * Each chain's head: this process's cached copy, else read (all in one query) and its newest
 * commit put in place, since a writer may have died before inserting it.
 */
async function currentSubjects<Subject extends LedgerHeadDoc>(
  ctx: UseCaseContext,
  ledger: Pick<Ledger<never>, "collection" | "heads">,
  commits: { subjectId: string }[],
): Promise<Map<string, Subject>> {
  const heads = ledger.heads?.(ctx);
  const found = new Map<string, Subject>();
  const unread: Types.ObjectId[] = [];
  for (const { subjectId } of commits) {
    const cached = heads?.get(subjectId) as Subject | undefined;
    if (cached) found.set(subjectId, cached);
    else if (Types.ObjectId.isValid(subjectId)) unread.push(new Types.ObjectId(subjectId));
  }
  if (unread.length === 0) return found;
  const read = await ledger
    .collection(ctx.connection)
    .find({ _id: { $in: unread } })
    .toArray();
  for (const subject of read as unknown as Subject[]) {
    await materializeHead(ctx, subject);
    found.set(subject._id.toHexString(), subject);
  }
  return found;
}

/** The chains whose compare-and-set took (their head is now this commit's newest event). */
async function committedOf<Item extends { subject: LedgerHeadDoc; head: { eventId: Types.ObjectId } }>(
  ctx: UseCaseContext,
  ledger: Pick<Ledger<never>, "collection">,
  sent: Item[],
): Promise<Set<Item>> {
  const now = await ledger
    .collection(ctx.connection)
    .find({ _id: { $in: sent.map((item) => item.subject._id) } }, { projection: { "head.eventId": 1 } })
    .toArray();
  const headOf = new Map(now.map((doc) => [String(doc._id), (doc as { head?: LedgerHeadDoc["head"] }).head]));
  return new Set(
    sent.filter((item) => headOf.get(String(item.subject._id))?.eventId.equals(item.head.eventId)),
  );
}
