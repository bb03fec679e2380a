import type { Lang } from "./i18n";

/** Strings about brands and licences: the consumer page's brand section and the brand page. */
const BRAND_UI = {
  brandSection: { zh: "品牌授权", en: "Brand licence" },
  brandPage: { zh: "查看品牌页", en: "Brand page" },
  brandPageTitle: { zh: "区域公用品牌", en: "Regional public brand" },
  logo: { zh: "品牌标识", en: "Logo" },
  licence: { zh: "授权", en: "Licence" },
  licensedProducer: { zh: "授权生产者", en: "Licensed producer" },
  licensedProducers: { zh: "授权生产者", en: "Licensed producers" },
  noLicences: { zh: "尚无授权", en: "No licences yet" },
  category: { zh: "品类", en: "Category" },
  categories: { zh: "品类", en: "Categories" },
  period: { zh: "授权期限", en: "Period" },
  status: { zh: "状态", en: "Status" },
  quota: { zh: "授权配额", en: "Quota" },
  used: { zh: "已用", en: "Used" },
  remaining: { zh: "剩余", en: "Remaining" },
  inheritedLicence: { zh: "原料批次的授权", en: "licence of an input batch" },
  owner: { zh: "品牌所有者", en: "Brand owner" },
  regions: { zh: "保护区域", en: "Regions" },
  requiredSchemes: { zh: "必需认证", en: "Required certifications" },
  noneRequired: { zh: "无", en: "none" },
  producerCertifications: { zh: "授权生产者的认证", en: "Certifications of the licensed producers" },
  noCertifications: { zh: "无生产者或地块认证", en: "No producer or plot certification" },
  missingRequired: { zh: "缺少有效的必需认证", en: "No valid certificate of required scheme" },
  plot: { zh: "地块", en: "plot" },
  wholeProducer: { zh: "全部生产", en: "whole producer" },
  register: { zh: "授权登记簿（哈希链）", en: "Licence register (hash chain)" },
  registerSeq: { zh: "最新序号", en: "Latest seq" },
  registerHash: { zh: "最新哈希", en: "Head hash" },
  registerAnchored: { zh: "已上链", en: "Anchored" },
  registerPending: { zh: "等待上链", en: "Waiting for anchoring" },
  registerEvents: { zh: "全部登记事件（JSON）", en: "All register events (JSON)" },
  totals: { zh: "品牌总览", en: "Brand totals" },
  licenceCount: { zh: "授权数", en: "Licences" },
  activeCount: { zh: "有效", en: "active" },
  quotaTaken: { zh: "配额已用 / 总量", en: "Quota used / total" },
  labelsIssued: { zh: "已发放单品码", en: "Item labels issued" },
  labelsScanned: { zh: "被扫码的单品码", en: "Labels scanned" },
  scanCount: { zh: "扫码次数", en: "scans" },
  unknownScans: { zh: "未登记单品码的扫码", en: "Scans of unregistered codes" },
  usedShare: { zh: "配额使用比例", en: "Share of quota used" },
  licenceRevokedBanner: { zh: "品牌授权已撤销", en: "Brand licence revoked" },
  licenceSuspendedWarning: { zh: "品牌授权已暂停", en: "Brand licence suspended" },
  licenceSuspendedHint: {
    zh: "品牌方已暂停该生产者的授权。本批次在暂停前登记，品牌声明仍然有效，除非授权被撤销。",
    en: "The brand owner has suspended this producer's licence. The batch was registered before; its brand claim stands unless the licence is revoked.",
  },
  reason: { zh: "原因", en: "reason" },
  notFoundTitle: { zh: "未找到该品牌", en: "No such brand" },
  notFoundText: { zh: "没有以此编号登记的品牌。", en: "No brand is registered under this id." },
} as const satisfies Record<string, Record<Lang, string>>;

export function brandUi(key: keyof typeof BRAND_UI, lang: Lang): string {
  return BRAND_UI[key][lang];
}

const LICENCE_STATUS_TEXT: Record<string, Record<Lang, string>> = {
  active: { zh: "有效", en: "active" },
  suspended: { zh: "已暂停", en: "suspended" },
  revoked: { zh: "已撤销", en: "revoked" },
};

export function licenceStatusText(status: string, lang: Lang): string {
  return LICENCE_STATUS_TEXT[status]?.[lang] ?? status;
}

const CATEGORY_TEXT: Record<string, Record<Lang, string>> = {
  tea: { zh: "茶叶", en: "tea" },
  rice: { zh: "大米", en: "rice" },
  honey: { zh: "蜂蜜", en: "honey" },
  fruit: { zh: "水果", en: "fruit" },
};

/** A product category for people; categories without a name show their code. */
export function categoryText(category: string, lang: Lang): string {
  return CATEGORY_TEXT[category]?.[lang] ?? category;
}
