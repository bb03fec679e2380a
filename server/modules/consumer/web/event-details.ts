import type { JourneyEntry } from "./consumer-journey";
import type { Lang } from "./i18n";

/**
 * How the consumer page names the recorded facts of an event: data keys, UN/CEFACT unit codes and
 * CBV dispositions in the page's language. A key without a name here is shown as "其他记录" on the
 * Chinese page (its value, or that it is hidden) and by its key on the English one: the Chinese page
 * never shows an English key.
 */
const DETAIL_LABELS: Record<string, Record<Lang, string>> = {
  quantity: { zh: "数量", en: "Quantity" },
  consumed: { zh: "投料量", en: "Used" },
  lab: { zh: "检测机构", en: "Laboratory" },
  standard: { zh: "执行标准", en: "Standard" },
  vehicle: { zh: "运输车辆", en: "Vehicle" },
  to: { zh: "收货方", en: "To" },
  from: { zh: "发货方", en: "From" },
  outcome: { zh: "签收结果", en: "Outcome" },
  temperatureC: { zh: "温度", en: "Temperature" },
  process: { zh: "加工工艺", en: "Process" },
  location: { zh: "地点", en: "Place" },
  storage: { zh: "储存方式", en: "Storage" },
  channel: { zh: "销售渠道", en: "Channel" },
  store: { zh: "门店", en: "Shop" },
  grade: { zh: "等级", en: "Grade" },
  scheme: { zh: "认证类型", en: "Scheme" },
  certificateNumber: { zh: "证书编号", en: "Certificate number" },
  reason: { zh: "原因", en: "Reason" },
  contact: { zh: "联系方式", en: "Contact" },
  note: { zh: "备注", en: "Note" },
};

/** Keys whose value is shown in a better form by another key on the English page. */
const ENGLISH_VARIANTS: Record<string, string> = { reason: "reasonEn", note: "noteEn" };

const UNITS: Record<string, Record<Lang, string>> = {
  KGM: { zh: "千克", en: "kg" },
  GRM: { zh: "克", en: "g" },
  TNE: { zh: "吨", en: "t" },
  LTR: { zh: "升", en: "L" },
  MLT: { zh: "毫升", en: "mL" },
  H87: { zh: "件", en: "pieces" },
  CEL: { zh: "℃", en: "°C" },
  "mg/kg": { zh: "毫克/千克", en: "mg/kg" },
  "%": { zh: "%", en: "%" },
};

const VALUES: Record<string, Record<Lang, string>> = {
  accepted: { zh: "已签收", en: "accepted" },
  rejected: { zh: "拒收", en: "rejected" },
};

/** CBV 2.0 dispositions (the part after `cbv:Disp-` or the URI's last segment). */
const DISPOSITIONS: Record<string, Record<Lang, string>> = {
  active: { zh: "已登记", en: "registered" },
  in_transit: { zh: "运输中", en: "in transit" },
  in_progress: { zh: "处理中", en: "in progress" },
  conformant: { zh: "检验合格", en: "conformant" },
  non_conformant: { zh: "检验不合格", en: "non-conformant" },
  retail_sold: { zh: "已零售售出", en: "sold at retail" },
  sellable_accessible: { zh: "在售", en: "on sale" },
  sellable_not_accessible: { zh: "待售", en: "not on sale yet" },
  recalled: { zh: "已召回", en: "recalled" },
  destroyed: { zh: "已销毁", en: "destroyed" },
  expired: { zh: "已过期", en: "expired" },
  container_closed: { zh: "已封箱", en: "packed" },
  damaged: { zh: "已损坏", en: "damaged" },
  dispensed: { zh: "已分装", en: "dispensed" },
  encoded: { zh: "已赋码", en: "labelled" },
  inactive: { zh: "停用", en: "inactive" },
  stolen: { zh: "被盗", en: "stolen" },
  unknown: { zh: "未知", en: "unknown" },
};

export interface NamedDetail {
  label: string;
  value: JourneyEntry["details"][number]["value"];
}

export function unitText(unit: string, lang: Lang): string {
  return UNITS[unit]?.[lang] ?? unit;
}

/** A disposition in the page's language, or null when it has no name here (not shown). */
export function dispositionText(disposition: string, lang: Lang): string | null {
  return DISPOSITIONS[disposition]?.[lang] ?? null;
}

/** The details of an entry a shopper can read: named keys only, units and known values translated. */
export function namedDetails(entry: Pick<JourneyEntry, "details">, lang: Lang): NamedDetail[] {
  const byKey = new Map(entry.details.map((detail) => [detail.key, detail.value]));
  return entry.details.flatMap((detail): NamedDetail[] => {
    if (Object.values(ENGLISH_VARIANTS).includes(detail.key)) return [];
    const label = DETAIL_LABELS[detail.key]?.[lang] ?? (lang === "zh" ? "其他记录" : detail.key);
    const english = lang === "en" ? byKey.get(ENGLISH_VARIANTS[detail.key] ?? "") : undefined;
    const value = english ?? detail.value;
    if (typeof value !== "string") return [{ label, value }];
    return [{ label, value: readable(detail.key, value, lang) }];
  });
}

function readable(key: string, value: string, lang: Lang): string {
  if (key === "temperatureC") return `${value} ${unitText("CEL", lang)}`;
  const quantity = /^(-?[\d.]+) ([A-Za-z0-9/%]+)$/.exec(value);
  if (quantity && UNITS[quantity[2]]) return `${quantity[1]} ${unitText(quantity[2], lang)}`;
  return VALUES[value]?.[lang] ?? value;
}
