import type { CheckName, CheckStatus, Verdict } from "../../verification";
import type { JourneyEntry } from "./consumer-journey";

/** Languages of the consumer page: Simplified Chinese by default, English on request. */
export type Lang = "zh" | "en";

/** `?lang=en|zh` wins; otherwise the first of zh/en in Accept-Language (by q); otherwise zh. */
export function pickLanguage(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === "en" || query === "zh") return query;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((param) => /^q=([\d.]+)$/.exec(param.trim())?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === "zh" || tag.startsWith("zh-")) return "zh";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return "zh";
}

const VERDICT_TEXT: Record<Verdict, Record<Lang, { title: string; summary: string }>> = {
  verified: {
    zh: { title: "已验证", summary: "全部记录与区块链上的锚定一致，未发现召回或证书问题。" },
    en: {
      title: "Verified",
      summary: "Every record matches its anchor on the blockchain; no recall or certificate problem.",
    },
  },
  pending: {
    zh: { title: "正在上链", summary: "部分记录尚未锚定到区块链（或暂时无法连接区块链），稍后再查。" },
    en: {
      title: "Being anchored",
      summary:
        "Some records are not anchored on the blockchain yet (or it could not be reached); check again later.",
    },
  },
  tampered: {
    zh: { title: "记录被篡改", summary: "记录与其哈希、哈希链或区块链锚定不一致。请勿信任此产品信息。" },
    en: {
      title: "Tampered",
      summary:
        "A record does not match its hash, its hash chain or its blockchain anchor. Do not trust this information.",
    },
  },
  recalled: {
    zh: { title: "已召回", summary: "该批次或其原料批次已被召回，请勿食用，并联系销售商。" },
    en: {
      title: "Recalled",
      summary:
        "This batch, or a batch it was made from, was recalled. Do not consume it; contact the seller.",
    },
  },
  revoked: {
    zh: {
      title: "证书或授权已撤销",
      summary: "该产品声明的认证已被认证机构撤销或暂停，或其品牌授权已被品牌方撤销。",
    },
    en: {
      title: "Certificate or licence revoked",
      summary:
        "A certification claimed for this product was revoked or suspended by its certifier, or the licence behind its brand was revoked by the brand owner.",
    },
  },
  "suspected-copy": {
    zh: {
      title: "疑似仿冒",
      summary: "此单品码被扫描的次数或设备数远超一件正品的正常情况，手中商品可能贴的是复制的标签。",
    },
    en: {
      title: "Suspected copy",
      summary:
        "This item code was scanned far more often, or from far more phones, than one genuine item is: the label in your hand may be a copy.",
    },
  },
  expired: {
    zh: { title: "证书已过期", summary: "该产品声明的认证已过有效期（或尚未生效）。" },
    en: {
      title: "Certificate expired",
      summary: "A certification claimed for this product is past its validity (or not valid yet).",
    },
  },
  unknown: {
    zh: { title: "未知产品", summary: "未找到此码对应的批次或单品。该标签可能是伪造的。" },
    en: {
      title: "Unknown product",
      summary: "No batch or item matches this code. The label may be counterfeit.",
    },
  },
};

export function verdictText(verdict: Verdict, lang: Lang) {
  return VERDICT_TEXT[verdict][lang];
}

const CHECK_TEXT: Record<CheckName, Record<Lang, string>> = {
  record: { zh: "批次记录", en: "Batch record" },
  "event-hashes": { zh: "记录哈希", en: "Record hashes" },
  "hash-chain": { zh: "哈希链完整", en: "Hash chain" },
  lineage: { zh: "原料来源链接", en: "Input batches" },
  "merkle-proofs": { zh: "默克尔证明", en: "Merkle proofs" },
  "on-chain": { zh: "区块链锚定", en: "On-chain anchors" },
  disclosure: { zh: "隐私字段承诺", en: "Private-field commitments" },
  "certificate-signatures": { zh: "证书签名", en: "Certificate signatures" },
  "certificate-coverage": { zh: "证书适用范围", en: "Certificate coverage" },
  recall: { zh: "召回", en: "Recall" },
  certifications: { zh: "认证状态", en: "Certifications" },
  "brand-licence": { zh: "品牌授权", en: "Brand licence" },
  anchoring: { zh: "上链进度", en: "Anchoring" },
  completeness: { zh: "记录完整（无删除或改写）", en: "Completeness" },
  "label-scans": { zh: "单品码扫码记录", en: "Item label scans" },
};

export function checkText(name: CheckName, lang: Lang): string {
  return CHECK_TEXT[name][lang];
}

const STATUS_TEXT: Record<CheckStatus, Record<Lang, string>> = {
  pass: { zh: "通过", en: "pass" },
  fail: { zh: "未通过", en: "fail" },
  pending: { zh: "待定", en: "pending" },
  warn: { zh: "警示", en: "warning" },
};

export function statusText(status: CheckStatus, lang: Lang): string {
  return STATUS_TEXT[status][lang];
}

const EVENT_TEXT: Record<string, Record<Lang, string>> = {
  commissioning: { zh: "登记采收", en: "Harvest registered" },
  inspecting: { zh: "检验检测", en: "Inspection" },
  storing: { zh: "仓储", en: "Storage" },
  packing: { zh: "包装", en: "Packing" },
  shipping: { zh: "发货运输", en: "Shipped" },
  receiving: { zh: "收货", en: "Received" },
  selling: { zh: "零售", en: "Sold" },
  recalling: { zh: "召回", en: "Recall" },
  destroying: { zh: "销毁", en: "Destroyed" },
  observation: { zh: "记录", en: "Observation" },
  transforming: { zh: "加工", en: "Processing" },
  certifying: { zh: "认证", en: "Certification" },
};

export function eventText(type: string, lang: Lang): string {
  return EVENT_TEXT[type]?.[lang] ?? type;
}

/**
 * A journey entry's title: what its event type says, except for derivations, named by what they
 * are. A commissioning event registers a harvest, the output of processing or a batch split off
 * another; a split is not processing.
 */
export function journeyTitle(
  entry: Pick<JourneyEntry, "type" | "derivation" | "derivedFrom">,
  lang: Lang,
): string {
  if (entry.type === "commissioning" && entry.derivation === "transformation") {
    return lang === "zh" ? "加工产出" : "Output of processing";
  }
  if (entry.type === "commissioning" && entry.derivation === "split") {
    const from = entry.derivedFrom.join(lang === "zh" ? "、" : ", ");
    if (lang === "zh") return from ? `分批（原批次：${from}）` : "分批";
    return from ? `Split from batch ${from}` : "Split from another batch";
  }
  if (entry.type === "transforming" && entry.derivation === "split") {
    return lang === "zh" ? "分批" : "Split into a new batch";
  }
  return eventText(entry.type, lang);
}

const CERT_STATUS_TEXT: Record<string, Record<Lang, string>> = {
  valid: { zh: "有效", en: "valid" },
  not_yet_valid: { zh: "尚未生效", en: "not yet valid" },
  expired: { zh: "已过期", en: "expired" },
  suspended: { zh: "已暂停", en: "suspended" },
  revoked: { zh: "已撤销", en: "revoked" },
  not_issued: { zh: "未经认证机构上链签发", en: "not issued on chain by the certifier" },
  unreachable: { zh: "暂无法查询", en: "status unavailable" },
};

export function certStatusText(status: string, lang: Lang): string {
  return CERT_STATUS_TEXT[status]?.[lang] ?? status;
}

/** Fixed strings of the page. */
export const UI: Record<string, Record<Lang, string>> = {
  pageTitle: { zh: "产品溯源验证", en: "Product traceability check" },
  product: { zh: "产品", en: "Product" },
  brand: { zh: "品牌", en: "Brand" },
  producer: { zh: "生产者", en: "Producer" },
  lot: { zh: "批次", en: "Lot" },
  gtin: { zh: "商品条码", en: "Barcode" },
  origin: { zh: "产地", en: "Origin" },
  region: { zh: "行政区划", en: "Region" },
  harvested: { zh: "采收日期", en: "Harvested" },
  coordinates: { zh: "坐标", en: "Coordinates" },
  notStated: { zh: "未说明", en: "not stated" },
  coordinatesPrivate: {
    zh: "生产者未公开精确坐标（可凭哈希证明）",
    en: "Exact coordinates kept private by the producer (provable by hash)",
  },
  mapCaption: {
    zh: "产地所在省份（示意图，未按比例标注全部岛屿）",
    en: "The province of origin (sketch; not every island is drawn)",
  },
  journey: { zh: "溯源历程", en: "Journey" },
  certifications: { zh: "认证", en: "Certifications" },
  noCertifications: { zh: "未声明认证", en: "No certifications claimed" },
  inheritedCert: { zh: "来自原料批次", en: "from an input batch" },
  validUntil: { zh: "有效期至", en: "valid until" },
  proof: { zh: "区块链证明", en: "On-chain proof" },
  reportFake: { zh: "怀疑买到假货？", en: "Think this is fake?" },
  reportFakeButton: { zh: "举报假货", en: "Report a fake" },
  showProof: { zh: "查看区块链证明", en: "Show the blockchain proof" },
  what: { zh: "发生了什么", en: "What happened" },
  when: { zh: "时间", en: "When" },
  who: { zh: "依据", en: "Who says so" },
  todo: { zh: "建议", en: "What to do" },
  reason: { zh: "原因", en: "Reason" },
  contact: { zh: "联系", en: "Contact" },
  contactMissing: { zh: "联系方式未提供", en: "no contact given" },
  recalledBy: { zh: "召回方", en: "Recalled by" },
  recallDate: { zh: "召回时间", en: "Recalled on" },
  certificate: { zh: "证书", en: "Certificate" },
  revokedBy: { zh: "撤销方", en: "Revoked by" },
  suspendedBy: { zh: "暂停方", en: "Suspended by" },
  signedReason: { zh: "签署原因", en: "Signed reason" },
  productAffected: { zh: "产品本身", en: "The product itself" },
  firstScan: { zh: "首次扫描", en: "First scanned" },
  placeUnknown: { zh: "地点未知", en: "place unknown" },
  shareRegion: {
    zh: "分享大致位置，帮助品牌识别假货",
    en: "Share your approximate location to help the brand spot fakes",
  },
  shareRegionNote: {
    zh: "点击后浏览器才会询问位置；服务器只保存所在省份，不保存坐标或网络地址。",
    en: "Your browser asks only after you click; the service keeps the province, never the coordinates or your address.",
  },
  pickRegion: { zh: "或选择您所在的省份", en: "Or pick your province" },
  pickRegionButton: { zh: "提交", en: "Send" },
  locating: { zh: "正在获取位置…", en: "Locating…" },
  regionShared: { zh: "已记录大致位置：", en: "Approximate place recorded: " },
  regionAlreadyShared: {
    zh: "今天已分享过这件商品的位置，谢谢。",
    en: "You already shared a place for this item today. Thank you.",
  },
  regionNoScan: {
    zh: "请先扫描商品上的二维码打开本页，再分享位置。",
    en: "Open this page by scanning the code on the item first, then share a place.",
  },
  regionFailed: {
    zh: "未能获取位置，可改为选择省份。",
    en: "Could not get your location: pick your province instead.",
  },
  fakeReported: {
    zh: "已收到您的举报，谢谢。品牌方会在品牌报告中看到它。",
    en: "Thank you: your report was received and the brand owner will see it in the brand report.",
  },
  backToItem: { zh: "返回产品页面", en: "Back to the product page" },
  verifiedBy: {
    zh: "EcoTrace 依据区块链上的锚定记录核验；任何人可下载证明包独立复核",
    en: "EcoTrace, from the records anchored on the blockchain; anyone can re-check with the proof bundle",
  },
  unknownCertifier: { zh: "认证机构（链上未登记名称）", en: "the certifier (no name registered on chain)" },
  certRecordedAt: { zh: "记录时间", en: "Recorded" },
  otherFields: { zh: "另有记录项见区块链证明", en: "more recorded fields in the proof" },
  anchoredAt: { zh: "上链时间", en: "Anchored at" },
  block: { zh: "区块", en: "Block" },
  transaction: { zh: "交易", en: "Transaction" },
  contract: { zh: "合约地址", en: "Contract" },
  chainId: { zh: "链编号", en: "Chain id" },
  merkleRoot: { zh: "默克尔根", en: "Merkle root" },
  beingAnchored: {
    zh: "正在上链：以下记录尚未写入区块链",
    en: "Being anchored: these records are not on the blockchain yet",
  },
  pendingTag: { zh: "上链中", en: "anchoring" },
  eventsWaiting: { zh: "条记录等待上链", en: "record(s) waiting for anchoring" },
  howVerdict: { zh: "结论是如何得出的", en: "How the verdict was reached" },
  technical: { zh: "技术信息", en: "Technical details" },
  checkedAt: { zh: "核验时间", en: "Checked at" },
  results: { zh: "检测结果", en: "Results" },
  hidden: { zh: "已隐藏", en: "hidden" },
  hiddenHint: { zh: "已隐藏（可凭哈希证明）", en: "hidden (provable by hash)" },
  inputBatch: { zh: "原料批次", en: "input batch" },
  downloadBundle: {
    zh: "下载证明包（可离线独立验证）",
    en: "Download the proof bundle (verify independently)",
  },
  serial: { zh: "单品序列号", en: "Item serial" },
  scans: { zh: "扫码次数", en: "Scans" },
  devices: { zh: "扫码设备数", en: "Devices" },
  pass: { zh: "合格", en: "pass" },
  failResult: { zh: "不合格", en: "fail" },
  language: { zh: "English", en: "中文" },
  unknownCode: { zh: "此码无对应记录", en: "This code matches no record" },
  status: { zh: "状态", en: "Status" },
};

export function ui(key: keyof typeof UI, lang: Lang): string {
  return UI[key][lang];
}

/** What a shopper should do, per verdict. */
const ADVICE: Record<Verdict, Record<Lang, string>> = {
  verified: {
    zh: "可放心购买。请核对包装上的批次号与本页一致。",
    en: "You can buy with confidence. Check that the lot on the pack matches this page.",
  },
  pending: {
    zh: "记录真实性尚在上链确认中，请稍后再扫一次。",
    en: "The records are being anchored; scan again later.",
  },
  tampered: {
    zh: "请勿相信本页信息；请联系品牌方，或拨打 12315 向市场监管部门反映。",
    en: "Do not rely on this page; contact the brand owner or the market regulator (12315 in China).",
  },
  recalled: {
    zh: "请勿食用。凭购物凭证联系销售商退换，或联系下方召回方。",
    en: "Do not consume it. Return it to the seller with your receipt, or contact the party below.",
  },
  revoked: {
    zh: "如果您因该认证而购买，可联系销售商；产品是否可食用以召回信息为准。",
    en: "If you bought it for this certification, contact the seller; only a recall says the product is unsafe.",
  },
  "suspected-copy": {
    zh: "请核对包装、价格与购买渠道；如怀疑买到假货，请向品牌方举报或拨打 12315。",
    en: "Check the pack, the price and where you bought it; if you suspect a fake, tell the brand owner or the regulator.",
  },
  expired: {
    zh: "该认证已不在有效期内，产品记录本身未被篡改。",
    en: "The certification is no longer valid; the records themselves are intact.",
  },
  unknown: {
    zh: "此码没有登记记录，可能是伪造标签；请向品牌方举报或拨打 12315。",
    en: "This code was never registered and may be counterfeit; tell the brand owner or the regulator.",
  },
};

export function adviceText(verdict: Verdict, lang: Lang): string {
  return ADVICE[verdict][lang];
}

/** A bundle's batch label ("安吉白茶 鲜叶 lot HD20260328") with "lot" in the page's language. */
export function batchLabelText(label: string, lang: Lang): string {
  return lang === "zh" ? label.replace(/(^|\s)lot\s/, "$1批次 ") : label;
}
