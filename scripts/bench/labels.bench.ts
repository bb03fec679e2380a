/**
 * Label-sheet benchmark: seconds to write a 1 000-label A4 PDF (42 pages), with one QR code
 * repeated (batch labels) and with 1 000 different QR codes (item serial labels). The first sheet
 * of the process also reads the two Noto Sans SC files (~20 MB); that cost is shown separately.
 *
 *   npx ts-node --transpile-only scripts/bench/labels.bench.ts [labels]
 */
import { Writable } from "node:stream";
import { newSerial } from "../../server/modules/labels/serials";
import { writeLabelsPdf, type LabelContent } from "../../server/modules/labels/web/labels-pdf";

const BASE = "https://trace.example.cn/01/06901234567892/10/AJBC-2026-0412";

export async function run({ count = 1_000 }: { count?: number } = {}) {
  const label = (serial?: string): LabelContent => ({
    link: serial ? `${BASE}/21/${serial}` : BASE,
    product: "安吉白茶 明前特级",
    brand: "安吉白茶",
    lot: "AJBC-2026-0412",
    origin: "浙江省 溪龙乡黄杜村 3号茶园",
    harvestedAt: "2026-04-12",
    gtin: "6901234567892",
    fallbackUrl: (serial ? `${BASE}/21/${serial}` : BASE).replace("https://", ""),
    ...(serial ? { serial, netContent: "250 克" } : {}),
  });
  const first = await timed(() => sheet([label()]));
  const batch = await timed(() => sheet(Array.from({ length: count }, () => label())));
  const serials = await timed(() => sheet(Array.from({ length: count }, () => label(newSerial()))));
  console.log(`labels: A4 sheets of 24 labels (70 × 36 mm), Noto Sans SC subset embedded`);
  console.log(`  first sheet (reads the fonts)         ${first.seconds.toFixed(2)} s`);
  console.log(
    `  ${count} batch labels (one QR)          ${batch.seconds.toFixed(2)} s, ${(batch.bytes / 1024).toFixed(0)} KiB`,
  );
  console.log(
    `  ${count} item serial labels (${count} QRs)  ${serials.seconds.toFixed(2)} s, ${(serials.bytes / 1024).toFixed(0)} KiB`,
  );
}

async function sheet(labels: LabelContent[]): Promise<number> {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  await writeLabelsPdf(labels, { errorCorrection: "Q", title: "bench" }, sink);
  return bytes;
}

async function timed(task: () => Promise<number>): Promise<{ seconds: number; bytes: number }> {
  const started = process.hrtime.bigint();
  const bytes = await task();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
}

if (require.main === module) {
  const [count] = process.argv.slice(2).map(Number);
  run({ count: count || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
