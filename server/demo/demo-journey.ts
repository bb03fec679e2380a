import type { DemoClient, Json } from "./demo-client";
import { DEMO_TEAS, REGION_CODE, type DemoDataset, type HarvestKey, type TeaKey } from "./demo-dataset";
import type { SeededOrgs } from "./demo-organizations";

/**
 * The supply chain of the demo, through the API with each organization's own key: harvest →
 * inspection → delivery to the tea factory → processing (transformation) → cold storage →
 * shipping via logistics → retail sale; one finished batch fails its inspection and is recalled.
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
    const [month, day] = [
      Number(body.origin.harvestedAt.slice(5, 7)),
      Number(body.origin.harvestedAt.slice(8)),
    ];
    await client.post(apiKey, `/api/batches/${batch.id}/events`, {
      type: "inspecting",
      eventTime: data.at(month, day, 17),
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
  const plan: Record<TeaKey, { lot: string; kg: number; day: [number, number]; grade: string }> = {
    mingqianTea: { lot: `AJ${data.year}MQ01`, kg: 135, day: [3, 29], grade: "特级" },
    daxiTea: { lot: `AJ${data.year}YJ01`, kg: 110, day: [4, 2], grade: "一级" },
    yuqianTea: { lot: `AJ${data.year}YQ02`, kg: 88, day: [4, 15], grade: "二级" },
  };
  const teas: Partial<Batches<TeaKey>> = {};
  for (const [key, step] of Object.entries(plan) as [TeaKey, (typeof plan)[TeaKey]][]) {
    const tea = DEMO_TEAS[key];
    const leaves = harvests[tea.from];
    const [month, day] = step.day;
    const farm = leaves.producerId === orgs.huangdu.id ? orgs.huangdu : orgs.daxi;
    await transfer(
      ctx,
      leaves.id,
      farm.apiKey,
      orgs.processor,
      data.at(month, day, 7),
      data.at(month, day, 9),
      {
        vehicle: "浙E·7Q215 鲜叶运输车",
      },
    );
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
      eventTime: data.at(month, day + 1, 18),
      data: { process: "摊青 → 杀青 → 理条 → 烘干", location: PLACES.factory.name },
    });
    teas[key] = made.outputs[0];
  }
  return teas as Batches<TeaKey>;
}

/** Quality checks at the factory; the Yuqian lot fails on moisture and the factory recalls it. */
export async function inspectAndRecall(ctx: JourneyContext, teas: Batches<TeaKey>): Promise<void> {
  const { client, orgs, data } = ctx;
  const check = (batchId: string, eventTime: string, moisture: number) =>
    client.post(orgs.processor.apiKey, `/api/batches/${batchId}/events`, {
      type: "inspecting",
      eventTime,
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
  await check(teas.mingqianTea.id, data.at(4, 1, 10), 5.6);
  await check(teas.daxiTea.id, data.at(4, 4, 10), 5.9);
  await check(teas.yuqianTea.id, data.at(4, 18, 10), 7.9);
  await client.post(orgs.processor.apiKey, `/api/batches/${teas.yuqianTea.id}/events`, {
    type: "recalling",
    eventTime: data.at(4, 19, 14),
    data: { reason: "水分超标（7.9%，标准 ≤ 6.5%）", reasonEn: "moisture 7.9% above the 6.5% limit" },
  });
  await client.post(orgs.processor.apiKey, `/api/batches/${teas.mingqianTea.id}/events`, {
    type: "storing",
    eventTime: data.at(4, 2, 8),
    location: PLACES.factory,
    data: { storage: "冷库", temperatureC: 4 },
  });
}

/** Factory → cold-chain logistics → retailer, each step accepted by the receiver; then sold. */
export async function distribute(ctx: JourneyContext, teas: Batches<TeaKey>): Promise<void> {
  const { client, orgs, data } = ctx;
  const legs: [TeaKey, number][] = [
    ["mingqianTea", 6],
    ["daxiTea", 9],
  ];
  for (const [key, day] of legs) {
    const id = teas[key].id;
    const truck = { vehicle: "浙E·D3K52 冷藏车", temperatureC: 5 };
    await transfer(
      ctx,
      id,
      orgs.processor.apiKey,
      orgs.logistics,
      data.at(4, day, 8),
      data.at(4, day, 9),
      truck,
    );
    await transfer(
      ctx,
      id,
      orgs.logistics.apiKey,
      orgs.retailer,
      data.at(4, day, 13),
      data.at(4, day, 16),
      truck,
    );
    await client.post(orgs.retailer.apiKey, `/api/batches/${id}/events`, {
      type: "selling",
      eventTime: data.at(4, day + 2, 10, 30),
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
  shippedAt: string,
  acceptedAt: string,
  data: Record<string, unknown>,
): Promise<void> {
  const { transfer } = await ctx.client.post(senderKey, `/api/batches/${batchId}/transfers`, {
    to: receiver.id,
    eventTime: shippedAt,
    data,
  });
  await ctx.client.post(receiver.apiKey, `/api/transfers/${transfer.id}/accept`, { eventTime: acceptedAt });
}
