import { Writable } from "node:stream";
import { writeLabelsPdf, type LabelContent } from "./labels-pdf";
import type { QrOptions } from "../../../platform/web/qr";

/**
 * Runs in the off-thread pool (decision 0021): a 10,000-label sheet takes seconds of CPU, which
 * on the event loop stalled every request. The PDF comes back whole (a few MB per 1,000 labels).
 */
export interface LabelSheetTask {
  labels: LabelContent[];
  options: Pick<QrOptions, "errorCorrection"> & { title: string };
}

export async function renderLabelsPdf({ labels, options }: LabelSheetTask): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await writeLabelsPdf(labels, options, sink);
  return Buffer.concat(chunks);
}
