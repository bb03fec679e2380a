import type { DemoClient, Json } from "./demo-client";
import { DEMO_TEAS, REGION_CODE, type DemoDataset } from "./demo-dataset";
import { type HarvestKey, type TeaKey } from "./demo-timeline";
import type { SeededOrgs } from "./demo-organizations";
import type { Leg } from "./demo-timeline";

/**
 * The supply chain of the demo, through the API with each organization's own key: harvest →
 * inspection → delivery to the tea factory → processing (transformation) → cold storage →
 * shipping via logistics → retail sale; one finished batch fails its inspection and is recalled.
 *
 * Every step is recorded with the time it happened in last spring's season (`data.timeline`, China
 * Standard Time), so a chain's events are in time order and consumer pages read like the season.
 */
export interface JourneyContext {
  client: DemoClient;
  orgs: SeededOrgs;
  data: DemoDataset;
  /** The brand the harvests are registered under (claims quota from each producer's licence). */
  brandId?: string;
}

export type Batches<K extends string> = Record<K, Json>;

const PLACES = {
  lab: { name: "安吉县农产品质量安全检测中心", regionCode: REGION_CODE, lat: 30.6383, lon: 119.6813 },
  factory: { name: "安吉溪龙茶业 溪龙加工厂", regionCode: REGION_CODE, lat: 30.6052, lon: 119.6921 },
  hub: { name: "浙北冷链 湖州分拨中心", regionCode: "330502", lat: 30.8712, lon: 120.0868 },
  shop: { name: "茶香里 杭州延安路店", regionCode: "330102", lat: 30.2526, lon: 120.1634 },
};

export async function registerHarvests(ctx: JourneyContext): Promise<Batches<HarvestKey>> {
  const { client, orgs, data } = ctx;
  const batches: Partial<Batches<HarvestKey>> = {};
  for (const [key, harvest] of Object.entries(data.harvests) as [HarvestKey, Json][]) {
    const { producer, ...body } = harvest;
    const apiKey = orgs[producer as "huangdu" | "daxi"].apiKey;
    const times = data.timeline.harvests[key];
    const batch = await client.post(apiKey, "/api/batches", {
      ...body,
      eventTime: times.registered,
      ...(ctx.brandId ? { brand: ctx.brandId } : {}),
    });
    await client.post(apiKey, `/api/batches/${batch.id}/events`, {
      type: "inspecting",
      eventTime: times.inspected,
      location: PLACES.lab,
      data: {
        lab: PLACES.lab.name,
        standard: "GB 2763",
        results: [
          { name: "农药残留（42项）", value: "未检出", unit: null, pass: true },
          { name: "铅", value: 0.21, unit: "mg/kg", pass: true },
        ],
      },
    });
    batches[key] = batch;
  }
  return batches as Batches<HarvestKey>;
}

/** Fresh leaves to the tea factory, which makes finished tea of each harvest (one lot each). */
export async function processTea(
  ctx: JourneyContext,
  harvests: Batches<HarvestKey>,
): Promise<Batches<TeaKey>> {
  const { client, orgs, data } = ctx;
  const plan: Record<TeaKey, { lot: string; kg: number; grade: string }> = {
    mingqianTea: { lot: `AJ${data.year}MQ01`, kg: 135, grade: "特级" },
    daxiTea: { lot: `AJ${data.year}YJ01`, kg: 110, grade: "一级" },
    yuqianTea: { lot: `AJ${data.year}YQ02`, kg: 88, grade: "二级" },
  };
  const teas: Partial<Batches<TeaKey>> = {};
  for (const [key, step] of Object.entries(plan) as [TeaKey, (typeof plan)[TeaKey]][]) {
    const tea = DEMO_TEAS[key];
    const leaves = harvests[tea.from];
    const farm = leaves.producerId === orgs.huangdu.id ? orgs.huangdu : orgs.daxi;
    await transfer(ctx, leaves.id, farm.apiKey, orgs.processor, data.timeline.harvests[tea.from].delivered, {
      vehicle: "浙E·7Q215 鲜叶运输车",
    });
    const made = await client.post(orgs.processor.apiKey, "/api/transformations", {
      inputs: [{ batchId: leaves.id, quantity: leaves.quantity }],
      outputs: [
        {
          product: { name: tea.name, category: "tea", gtin: tea.gtin },
          lot: step.lot,
          quantity: { value: step.kg, unit: "KGM" },
          ecoAttributes: { grade: step.grade, standard: "GB/T 20354 安吉白茶" },
          // Made only of branded leaves: the tea inherits the brand without taking quota again.
          ...(ctx.brandId ? { brand: ctx.brandId } : {}),
        },
      ],
      eventTime: data.timeline.teas[key].processed,
      data: { process: "摊青 → 杀青 → 理条 → 烘干", location: PLACES.factory.name },
    });
    teas[key] = made.outputs[0];
  }
  return teas as Batches<TeaKey>;
}

const MOISTURE: Record<TeaKey, number> = { mingqianTea: 5.6, daxiTea: 5.9, yuqianTea: 7.9 };
const MOISTURE_LIMIT = 6.5;

/** Quality checks at the factory; the Yuqian lot fails on moisture and the factory recalls it. */
export async function inspectAndRecall(ctx: JourneyContext, teas: Batches<TeaKey>): Promise<void> {
  const { client, orgs, data } = ctx;
  const record = (batchId: string, event: Record<string, unknown>) =>
    client.post(orgs.processor.apiKey, `/api/batches/${batchId}/events`, event);
  for (const key of Object.keys(MOISTURE) as TeaKey[]) {
    const { id } = teas[key];
    const times = data.timeline.teas[key];
    const moisture = MOISTURE[key];
    await record(id, {
      type: "inspecting",
      eventTime: times.inspected,
      location: PLACES.factory,
      data: {
        lab: PLACES.lab.name,
        standard: "GB/T 20354",
        results: [
          { name: "水分", value: moisture, unit: "%", pass: moisture <= MOISTURE_LIMIT },
          { name: "氨基酸", value: 6.3, unit: "%", pass: true },
        ],
      },
    });
    if (times.stored) {
      await record(id, {
        type: "storing",
        eventTime: times.stored,
        location: PLACES.factory,
        data: { storage: "冷库", temperatureC: 4 },
      });
    }
    if (times.recalled) {
      await record(id, {
        type: "recalling",
        eventTime: times.recalled,
        data: {
          reason: `水分超标（${moisture}%，标准 ≤ ${MOISTURE_LIMIT}%）`,
          reasonEn: `moisture ${moisture}% above the ${MOISTURE_LIMIT}% limit`,
        },
      });
    }
  }
}

/** Factory → cold-chain logistics → retailer, each step accepted by the receiver; then sold. */
export async function distribute(ctx: JourneyContext, teas: Batches<TeaKey>): Promise<void> {
  const { client, orgs, data } = ctx;
  const truck = { vehicle: "浙E·D3K52 冷藏车", temperatureC: 5 };
  for (const key of Object.keys(teas) as TeaKey[]) {
    const out = data.timeline.teas[key].distributed;
    if (!out) continue;
    const id = teas[key].id;
    await transfer(ctx, id, orgs.processor.apiKey, orgs.logistics, out.toLogistics, truck);
    await transfer(ctx, id, orgs.logistics.apiKey, orgs.retailer, out.toRetailer, truck);
    await client.post(orgs.retailer.apiKey, `/api/batches/${id}/events`, {
      type: "selling",
      eventTime: out.sold,
      location: PLACES.shop,
      data: { channel: "门店零售", store: PLACES.shop.name },
    });
  }
}

async function transfer(
  ctx: JourneyContext,
  batchId: string,
  senderKey: string,
  receiver: { id: string; apiKey: string },
  leg: Leg,
  data: Record<string, unknown>,
): Promise<void> {
  const { transfer } = await ctx.client.post(senderKey, `/api/batches/${batchId}/transfers`, {
    to: receiver.id,
    eventTime: leg.shipped,
    data,
  });
  await ctx.client.post(receiver.apiKey, `/api/transfers/${transfer.id}/accept`, { eventTime: leg.received });
}
