import type { BatchDoc } from "../data-access/batch.model";
import { batchModel } from "../data-access/batch.model";
import { traceEventModel } from "../data-access/trace-event.model";
import { materializeHead, type AppendContext } from "./append-event";

const CHUNK = 500;

/**
 * Start-up repair: a process killed between committing a batch head and inserting its event
 * leaves that newest event only in the batch (`lastEvent`). Finds such heads and inserts their
 * events. Returns how many were restored.
 */
export async function repairChainHeads(ctx: AppendContext): Promise<number> {
  const batches = batchModel(ctx.connection);
  const events = traceEventModel(ctx.connection);
  let restored = 0;
  let chunk: Pick<BatchDoc, "_id" | "head">[] = [];
  const flush = async () => {
    const headIds = chunk.map((batch) => batch.head.eventId);
    const present = await events.find({ _id: { $in: headIds } }, { _id: 1 }).lean();
    const found = new Set(present.map((event) => event._id.toHexString()));
    for (const batch of chunk) {
      if (found.has(batch.head.eventId.toHexString())) continue;
      const full = await batches.findById(batch._id, { lastEvent: 1 }).lean<Pick<BatchDoc, "lastEvent">>();
      if (full && (await materializeHead(ctx, full))) restored++;
    }
    chunk = [];
  };
  for await (const batch of batches.find({}, { head: 1 }).lean<Pick<BatchDoc, "_id" | "head">>().cursor()) {
    chunk.push(batch);
    if (chunk.length >= CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return restored;
}
