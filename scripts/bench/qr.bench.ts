/**
 * QR benchmark: PNGs per second for a batch's Digital Link, from the renderer alone and through
 * `GET /api/batches/:id/qr.png` (validation, batch lookup, rendering, HTTP), same process.
 *
 *   npx ts-node --transpile-only scripts/bench/qr.bench.ts [count] [concurrency]
 */
import { renderQrPng } from "../../server/platform/web/qr";
import { post, startBenchService } from "./bench-http";

const LINK = "https://trace.example.cn/01/06901234567892/10/AJBC-2026-0412/21/7K3M9QX2HV8TB4NP";

export async function run({ count = 2_000, concurrency = 8 }: { count?: number; concurrency?: number } = {}) {
  const options = { size: 512, margin: 2, errorCorrection: "M" as const };
  for (let index = 0; index < 50; index++) await renderQrPng(LINK, options);
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) await renderQrPng(`${LINK}${index % 10}`, options);
  const rendererRate = count / (Number(process.hrtime.bigint() - started) / 1e9);

  const service = await startBenchService("qr");
  const { base } = service;
  try {
    const producer = await post(base, service.adminKey, "/api/orgs", {
      name: "Bench farm",
      roles: ["producer"],
    });
    const batch = await post(base, producer.apiKey, "/api/batches", {
      product: { name: "安吉白茶", category: "tea", gtin: "06901234567892" },
      lot: "BENCH-QR",
      origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
      quantity: { value: 500, unit: "KGM" },
    });
    const fetchPng = async () => {
      const response = await fetch(`${base}/api/batches/${batch.publicId}/qr.png`);
      if (response.status !== 200) throw new Error(`qr.png answered ${response.status}`);
      await response.arrayBuffer();
    };
    for (let index = 0; index < 50; index++) await fetchPng();
    let next = 0;
    const httpStarted = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < count) await fetchPng();
      }),
    );
    const httpRate = count / (Number(process.hrtime.bigint() - httpStarted) / 1e9);
    console.log(`qr: ${count} PNGs of 512 px (ECC M), ${LINK.length}-character item link`);
    console.log(`  renderer (qrcode → PNG)        ${rendererRate.toFixed(0).padStart(6)} PNG/s`);
    console.log(
      `  GET /api/batches/:id/qr.png    ${httpRate.toFixed(0).padStart(6)} PNG/s (${concurrency} in flight)`,
    );
  } finally {
    await service.stop();
  }
}

if (require.main === module) {
  const [count, concurrency] = process.argv.slice(2).map(Number);
  run({ count: count || undefined, concurrency: concurrency || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
