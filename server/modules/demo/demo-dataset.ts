import { demoTimeline, type HarvestKey, type TeaKey } from "./demo-timeline";

/**
 * The demo dataset: Anji white tea (安吉白茶) from 安吉县 (GB/T 2260 330523), Zhejiang. Pure data,
 * dated from the most recent spring harvest before `now`, so that the harvests and the journey
 * after them lie in the past and the certifications cover them and are valid today whenever the
 * demo runs.
 */
export const REGION_CODE = "330523";
const CATEGORY = "tea";

export type DemoOrgKey =
  "brandOwner" | "certifier" | "huangdu" | "daxi" | "processor" | "logistics" | "retailer";

/** The brand owner is created first: its name marks a database that holds the demo. */
export const DEMO_ORGS: Record<DemoOrgKey, { name: string; roles: string[] }> = {
  brandOwner: { name: "安吉白茶协会", roles: ["brand_owner"] },
  certifier: { name: "浙江绿标认证中心有限公司", roles: ["certifier"] },
  huangdu: { name: "安吉县溪龙乡黄杜村白茶专业合作社", roles: ["producer"] },
  daxi: { name: "安吉县天荒坪镇大溪白茶专业合作社", roles: ["producer"] },
  // The tea factory packs and labels the finished tea: it produces those batches (item serials).
  processor: { name: "安吉溪龙茶业加工有限公司", roles: ["processor", "producer"] },
  logistics: { name: "浙北冷链物流有限公司", roles: ["logistics"] },
  retailer: { name: "杭州茶香里茶叶零售有限公司", roles: ["retailer"] },
};
export const DEMO_MARKER_ORG = DEMO_ORGS.brandOwner.name;

/** The tea factory's public contact, which its recall banner shows (a demo number and domain). */
export const DEMO_FACTORY_CONTACT = { phone: "0572-5000000", email: "recall@factory.demo.example" };

export const DEMO_BRAND = {
  name: { zh: "安吉白茶", en: "Anji White Tea" },
  regionCodes: [REGION_CODE],
  categories: [CATEGORY],
  requiredSchemes: ["geographical-indication"],
};

export type CertificationKey = "huangduOrganic" | "huangduGi" | "daxiGreenFood" | "daxiGi";

/** Finished tea: what the consumer holds; product names identify them again on a second run. */
export const DEMO_TEAS: Record<TeaKey, { name: string; gtin: string; from: HarvestKey }> = {
  mingqianTea: { name: "安吉白茶 明前特级", gtin: "06923456700017", from: "mingqianLeaves" },
  daxiTea: { name: "安吉白茶 一级", gtin: "06923456700024", from: "daxiLeaves" },
  yuqianTea: { name: "安吉白茶 雨前二级", gtin: "06923456700031", from: "yuqianLeaves" },
};

/** Year of the most recent spring harvest that is over (the season ends with May). */
export function demoSeason(now: Date): number {
  const year = now.getUTCFullYear();
  return now.getTime() >= Date.parse(`${year}-06-01T00:00:00+08:00`) ? year : year - 1;
}

export function demoDataset(now: Date) {
  const year = demoSeason(now);
  const date = (month: number, day: number, yearOffset = 0) =>
    `${year + yearOffset}-${pad(month)}-${pad(day)}`;
  const harvested = harvests(year, date);
  const harvestedOn = Object.fromEntries(
    Object.entries(harvested).map(([key, harvest]) => [key, harvest.origin.harvestedAt]),
  ) as Record<HarvestKey, string>;
  const teaSources = Object.fromEntries(
    Object.entries(DEMO_TEAS).map(([key, tea]) => [key, tea.from]),
  ) as Record<TeaKey, HarvestKey>;
  return {
    year,
    date,
    harvests: harvested,
    certifications: certifications(year, date),
    timeline: demoTimeline(year, harvestedOn, teaSources),
  };
}

export type DemoDataset = ReturnType<typeof demoDataset>;

function harvests(year: number, date: (month: number, day: number) => string) {
  const leaves = { name: "安吉白茶 鲜叶", category: CATEGORY };
  return {
    mingqianLeaves: {
      producer: "huangdu" as const,
      product: leaves,
      lot: `HD${year}0328`,
      origin: {
        place: "溪龙乡黄杜村 3号茶园",
        regionCode: REGION_CODE,
        location: { lat: 30.6129, lon: 119.6805 },
        harvestedAt: date(3, 28),
      },
      quantity: { value: 600, unit: "KGM" },
      ecoAttributes: { cultivar: "白叶一号", altitudeM: 320, picking: "一芽一叶", fertiliser: "有机肥" },
    },
    daxiLeaves: {
      producer: "daxi" as const,
      product: leaves,
      lot: `DX${year}0401`,
      origin: {
        place: "天荒坪镇大溪村 龙潭坞茶园",
        regionCode: REGION_CODE,
        location: { lat: 30.4717, lon: 119.6141 },
        harvestedAt: date(4, 1),
      },
      quantity: { value: 500, unit: "KGM" },
      ecoAttributes: { cultivar: "白叶一号", altitudeM: 450, picking: "一芽二叶" },
    },
    yuqianLeaves: {
      producer: "huangdu" as const,
      product: leaves,
      lot: `HD${year}0414`,
      origin: {
        place: "溪龙乡黄杜村 5号茶园",
        regionCode: REGION_CODE,
        location: { lat: 30.6071, lon: 119.6752 },
        harvestedAt: date(4, 14),
      },
      quantity: { value: 400, unit: "KGM" },
      ecoAttributes: { cultivar: "白叶一号", altitudeM: 300, picking: "一芽二叶" },
    },
  };
}

/** Producer-scope certifications (drafts as `npm run certify` reads them, without the subject id). */
function certifications(year: number, date: (month: number, day: number, yearOffset?: number) => string) {
  const scope = { category: CATEGORY, regionCodePrefix: REGION_CODE };
  return {
    huangduOrganic: {
      producer: "huangdu" as const,
      scheme: "organic",
      certificateNumber: `ZJLB-OP-${year}-0147`,
      issuedAt: date(2, 20),
      validFrom: date(3, 1),
      validUntil: date(8, 31, 1),
      scope,
      quantityCap: { value: 3000, unit: "KGM" },
    },
    huangduGi: {
      producer: "huangdu" as const,
      scheme: "geographical-indication",
      certificateNumber: `GI-${REGION_CODE}-${year}-0032`,
      issuedAt: date(1, 10),
      validFrom: date(1, 10),
      validUntil: date(12, 31, 2),
      scope,
      quantityCap: { value: 5000, unit: "KGM" },
    },
    daxiGreenFood: {
      producer: "daxi" as const,
      scheme: "green-food",
      certificateNumber: `LB-15-${String(year % 100).padStart(2, "0")}01${REGION_CODE}A`,
      issuedAt: date(1, 15),
      validFrom: date(1, 15),
      validUntil: date(1, 14, 3),
      scope,
    },
    daxiGi: {
      producer: "daxi" as const,
      scheme: "geographical-indication",
      certificateNumber: `GI-${REGION_CODE}-${year}-0058`,
      issuedAt: date(1, 10),
      validFrom: date(1, 10),
      validUntil: date(12, 31, 2),
      scope,
      quantityCap: { value: 3000, unit: "KGM" },
    },
  };
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
