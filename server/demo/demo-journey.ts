import type { DemoClient, Json } from "./demo-client";
import { DEMO_TEAS, REGION_CODE, type DemoDataset, type HarvestKey, type TeaKey } from "./demo-dataset";
import type { SeededOrgs } from "./demo-organizations";

/**
 * The supply chain of the demo, through the API with each organization's own key: harvest →
 * inspection → delivery to the tea factory → processing (transformation) → cold storage →
 * shipping via logistics → retail sale; one finished batch fails its inspection and is recalled.
 *
 * Events carry no explicit time: a batch's registration is always recorded at the time it is
 * made, so the journey is recorded as it happens, today, and reads in order on consumer pages.
 * The harvest dates (origin data) are those of the last spring season.
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
    const batch = await client.post(apiKey, "/api/batches", {
      ...body,
      ...(ctx.brandId ? { brand: ctx.brandId } : {}),
    });
    await client.post(apiKey, `/api/batches/${batch.id}/events`, {
      type: "inspecting",
      eventTime: timeNow(),
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
    await transfer(ctx, leaves.id, farm.apiKey, orgs.processor, { vehicle: "浙E·7Q215 鲜叶运输车" });
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
      data: { process: "摊青 → 杀青 → 理条 → 烘干", location: PLACES.factory.name },
    });
    teas[key] = made.outputs[0];
  }
  return teas as Batches<TeaKey>;
}

/** Quality checks at the factory; the Yuqian lot fails on moisture and the factory recalls it. */
export async function inspectAndRecall(ctx: JourneyContext, teas: Batches<TeaKey>): Promise<void> {
  const { client, orgs } = ctx;
  const record = (batchId: string, event: Record<string, unknown>) =>
    client.post(orgs.processor.apiKey, `/api/batches/${batchId}/events`, { ...event, eventTime: timeNow() });
  const check = (batchId: string, moisture: number) =>
    record(batchId, {
      type: "inspecting",
      location: PLACES.factory,
      data: {
        lab: PLACES.lab.name,
        standard: "GB/T 20354",
        results: [
          { name: "水分", value: moisture, unit: "%", pass: moisture <= 6.5 },
          { name: "氨基酸", value: 6.3, unit: "%", pass: true },
        ],
      },
    });
  await check(teas.mingqianTea.id, 5.6);
  await record(teas.mingqianTea.id, {
    type: "storing",
    location: PLACES.factory,
    data: { storage: "冷库", temperatureC: 4 },
  });
  await check(teas.daxiTea.id, 5.9);
  await check(teas.yuqianTea.id, 7.9);
  await record(teas.yuqianTea.id, {
    type: "recalling",
    data: { reason: "水分超标（7.9%，标准 ≤ 6.5%）", reasonEn: "moisture 7.9% above the 6.5% limit" },
  });
}

/** Factory → cold-chain logistics → retailer, each step accepted by the receiver; then sold. */
export async function distribute(ctx: JourneyContext, teas: Batches<TeaKey>): Promise<void> {
  const { client, orgs } = ctx;
  const truck = { vehicle: "浙E·D3K52 冷藏车", temperatureC: 5 };
  for (const key of ["mingqianTea", "daxiTea"] as const) {
    const id = teas[key].id;
    await transfer(ctx, id, orgs.processor.apiKey, orgs.logistics, truck);
    await transfer(ctx, id, orgs.logistics.apiKey, orgs.retailer, truck);
    await client.post(orgs.retailer.apiKey, `/api/batches/${id}/events`, {
      type: "selling",
      eventTime: timeNow(),
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
  data: Record<string, unknown>,
): Promise<void> {
  const { transfer } = await ctx.client.post(senderKey, `/api/batches/${batchId}/transfers`, {
    to: receiver.id,
    data,
  });
  await ctx.client.post(receiver.apiKey, `/api/transfers/${transfer.id}/accept`, {});
}

/** Events happen as the seed records them (the API requires their time on events). */
function timeNow(): string {
  return new Date().toISOString();
}
