import { expect } from "chai";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import type { TestServer } from "../helpers/test-env";

/**
 * A batch history that uses every kind of EcoTrace event, built through the REST API: harvest,
 * inspection with results, storage, packing into a case, a partial transfer (split) that is
 * accepted, processing into finished tea that is sold, a full transfer that is rejected, an
 * observation with a business step CBV does not define, a correction, a recall, and a batch
 * without GTIN that is destroyed.
 */
export interface EpcisScenario {
  farm: TestOrg;
  factory: TestOrg;
  shop: TestOrg;
  leaves: string;
  child: string;
  tea: string;
  honey: string;
}

export async function buildEpcisScenario(server: TestServer, suffix: string): Promise<EpcisScenario> {
  const farm = await createOrg(server, `黄杜村茶园 ${suffix}`, ["producer"]);
  const factory = await createOrg(server, `安吉白茶加工厂 ${suffix}`, ["processor"]);
  const shop = await createOrg(server, `杭州茶叶店 ${suffix}`, ["retailer"]);
  const post = async (org: TestOrg, path: string, json: unknown, status = 201) => {
    const response = await http(server.baseUrl, "POST", path, { key: org.key, json });
    expect(response.status, `${path}: ${response.text}`).to.equal(status);
    return response.body;
  };
  const event = (org: TestOrg, batch: string, json: Record<string, unknown>) =>
    post(org, `/api/batches/${batch}/events`, { eventTime: "2026-04-13T08:00:00+08:00", ...json });

  const leaves = (await createBatch(server, farm, { lot: `LEAF-${suffix}` })).id as string;
  await event(farm, leaves, {
    type: "inspecting",
    location: {
      name: "安吉县农产品检测站",
      regionCode: "330523",
      lat: 30.64,
      lon: 119.68,
      readPoint: "urn:epc:id:sgln:6901234.00001.0",
    },
    data: {
      lab: "浙江省农产品质量检测中心",
      results: [
        { name: "moisture", value: 6.5, unit: "P1", pass: true },
        { name: "temperature", value: 4, unit: "CEL", pass: true },
        { name: "农药残留", value: "未检出", pass: true },
      ],
    },
  });
  const stored = await event(farm, leaves, { type: "storing", location: { name: "3号冷库" } });
  await event(farm, leaves, {
    type: "packing",
    data: { parentID: "https://id.gs1.org/00/069012345000000017" },
  });

  const split = await post(farm, `/api/batches/${leaves}/transfers`, {
    to: factory.id,
    quantity: { value: 200, unit: "KGM" },
    eventTime: "2026-04-14T09:00:00+08:00",
  });
  const child = split.transfer.batchId as string;
  await post(
    factory,
    `/api/transfers/${split.transfer.id}/accept`,
    { eventTime: "2026-04-14T15:00:00+08:00" },
    200,
  );
  const processed = await post(factory, "/api/transformations", {
    inputs: [{ batchId: child, quantity: { value: 200, unit: "KGM" } }],
    outputs: [
      {
        product: { name: "安吉白茶 明前特级", category: "tea", gtin: "06901234567892" },
        lot: `TEA-${suffix}`,
        quantity: { value: 50, unit: "KGM" },
      },
    ],
    eventTime: "2026-04-15T10:00:00+08:00",
    data: { process: "杀青 → 理条 → 烘干" },
  });
  const tea = processed.outputs[0].id as string;
  await event(factory, tea, { type: "selling", eventTime: "2026-04-20T11:00:00+08:00" });

  const full = await post(farm, `/api/batches/${leaves}/transfers`, { to: shop.id });
  await post(shop, `/api/transfers/${full.transfer.id}/reject`, { reason: "仓库已满" }, 200);
  await event(farm, leaves, { type: "observation", bizStep: "harvesting", data: { note: "second flush" } });
  await event(farm, leaves, {
    type: "observation",
    correctionOf: stored.id,
    data: { note: "stored in room 4" },
  });
  await event(farm, leaves, { type: "recalling", data: { reason: "label misprint" } });

  const honey = (
    await createBatch(server, farm, {
      product: { name: "百花蜜", category: "honey" },
      lot: `HONEY-${suffix}`,
      quantity: { value: 80, unit: "KGM" },
    })
  ).id as string;
  await event(farm, honey, { type: "destroying", data: { reason: "fermented" } });
  return { farm, factory, shop, leaves, child, tea, honey };
}
