import { Writable } from "node:stream";
import { writeLabelsPdf } from "./labels-pdf";
import { labelContents, type PrintedBatch } from "./labels-content";
import type { LabelItem } from "../labels";
import type { QrOptions } from "../../../platform/web/qr";
import { offThreadTask } from "../../../platform/threads/off-thread-result";

/**
 * Runs in the off-thread pool (decision 0021): a 10,000-label sheet takes seconds of CPU, which
 * on the event loop stalled every request. The label texts are composed here too (10,000 of them
 * are tens of milliseconds). The PDF comes back whole (about 2 MB per 1,000 labels).
 */
export interface LabelSheetTask {
  batch: PrintedBatch;
  items: LabelItem[];
  options: Pick<QrOptions, "errorCorrection"> & { title: string };
}

export const renderLabelsPdf = offThreadTask(async ({ batch, items, options }: LabelSheetTask) => {
  const labels = labelContents(batch, items);
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await writeLabelsPdf(labels, options, sink);
  return Buffer.concat(chunks);
});
