/**
 * EPCIS capture by what events become (decision 0031): one document of events on batches the
 * producer holds (the baseline) against one of the same size whose events name serialised items no
 * registry places, which go to the producer's observation log.
 *
 *   npm run bench -- epcis-observations
 */
import { post, startBenchService } from "./bench-http";

const GTIN = "06901234567892";

export async function run({ events = 2_000, lots = 20 } = {}) {
  const service = await startBenchService("epcis-observations");
  const { base, adminKey } = service;
  try {
    const producer = await post(base, adminKey, "/api/orgs", { name: "Bench co-op", roles: ["producer"] });
    for (let index = 0; index < lots; index++) {
      await post(base, producer.apiKey, "/api/batches", {
        product: { name: "安吉白茶", category: "tea", gtin: GTIN },
        lot: `OB-${index}`,
        origin: { place: "溪龙乡", regionCode: "330523", harvestedAt: "2026-04-12" },
        quantity: { value: 500, unit: "KGM" },
      });
    }
    const onBatches = (index: number) => ({
      quantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/OB-${index % lots}` }],
    });
    const onItems = (index: number) => ({ epcList: [`urn:epc:id:sgtin:6901234.056789.${index}`] });
    const batchSeconds = await capture(base, producer.apiKey, document(events, onBatches));
    const observationSeconds = await capture(base, producer.apiKey, document(events, onItems));
    console.log(`  ${events} events per document`);
    console.log(
      `  events on batches (baseline)   ${(events / batchSeconds).toFixed(0).padStart(6)} events/s`,
    );
    console.log(
      `  observations (SGTINs)          ${(events / observationSeconds).toFixed(0).padStart(6)} events/s  ratio ${(batchSeconds / observationSeconds).toFixed(2)}`,
    );
  } finally {
    await service.stop();
  }
}

async function capture(base: string, key: string, body: unknown): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${base}/api/epcis/capture`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/ld+json" },
    body: JSON.stringify(body),
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (response.status !== 201)
    throw new Error(`capture answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return elapsed;
}

function document(count: number, what: (index: number) => Record<string, unknown>) {
  return {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: new Date().toISOString(),
    epcisBody: {
      eventList: Array.from({ length: count }, (_, index) => ({
        type: "ObjectEvent",
        eventTime: new Date(Date.UTC(2026, 4, 1) + index * 60_000).toISOString(),
        eventTimeZoneOffset: "+08:00",
        action: "OBSERVE",
        bizStep: "inspecting",
        readPoint: { id: "urn:epc:id:sgln:6901234.00001.0" },
        ...what(index),
      })),
    },
  };
}
