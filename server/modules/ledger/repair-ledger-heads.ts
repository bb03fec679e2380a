import type { Collection } from "mongoose";
import type { LedgerHeadDoc } from "./ledger-head";
import { materializeHead, type Ledger, type UseCaseContext } from "./append-event";
import { traceEventModel } from "./data/trace-event.model";
import type { CommitCopy } from "./commit-events";

const CHUNK = 500;

/**
 * Start-up repair: a process killed between committing a chain head (a batch's, or a brand's
 * licence register) and inserting its event leaves that newest event only in the head document
 * (`lastEvent`, and `lastEvents` for a bulk commit). Finds such heads and inserts their events.
 * Returns how many heads were restored.
 */
export async function repairLedgerHeads(
  ctx: UseCaseContext,
  ledgers: readonly Pick<Ledger<never>, "collection">[],
): Promise<number> {
  let restored = 0;
  for (const ledger of ledgers) restored += await repairHeadsOf(ctx, ledger.collection(ctx.connection));
  return restored;
}

async function repairHeadsOf(ctx: UseCaseContext, heads: Collection): Promise<number> {
  const events = traceEventModel(ctx.connection);
  let restored = 0;
  let chunk: Pick<LedgerHeadDoc, "_id" | "head">[] = [];
  const flush = async () => {
    const headIds = chunk.map((subject) => subject.head.eventId);
    const present = await events.find({ _id: { $in: headIds } }, { _id: 1 }).lean();
    const found = new Set(present.map((event) => event._id.toHexString()));
    for (const subject of chunk) {
      if (found.has(subject.head.eventId.toHexString())) continue;
      const full = await heads.findOne({ _id: subject._id }, { projection: { lastEvent: 1, lastEvents: 1 } });
      if (full && (await materializeHead(ctx, full as CommitCopy))) restored++;
    }
    chunk = [];
  };
  for await (const subject of heads.find({}, { projection: { head: 1 } })) {
    chunk.push(subject as unknown as Pick<LedgerHeadDoc, "_id" | "head">);
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return restored;
}
