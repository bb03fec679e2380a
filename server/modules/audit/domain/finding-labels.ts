import type { FindingKind } from "./findings";

/** Each finding kind in Chinese and English: the HTML report and the console show the same words. */
export const FINDING_LABELS: Record<FindingKind, { zh: string; en: string }> = {
  tampered_content: { zh: "内容被篡改", en: "Tampered content" },
  broken_chain: { zh: "哈希链断裂", en: "Broken hash chain" },
  missing_event: { zh: "事件缺失", en: "Missing event" },
  reordered: { zh: "事件顺序被调换", en: "Reordered events" },
  inserted: { zh: "插入的事件", en: "Inserted event" },
  not_in_tree: { zh: "哈希不在锚定的默克尔树中", en: "Hash not in the anchored tree" },
  root_not_on_chain: { zh: "根哈希不在链上", en: "Root not on chain" },
  unanchored_too_long: { zh: "超时未锚定", en: "Unanchored too long" },
  bad_certification_signature: { zh: "认证签名无效", en: "Bad certification signature" },
  stored_field_mismatch: { zh: "查询字段与正文不符", en: "Stored field differs from body" },
  batch_document_mismatch: { zh: "批次记录与哈希事件不符", en: "Batch document differs from hashed events" },
  transfer_mismatch: { zh: "转移记录与哈希事件不符", en: "Transfer differs from hashed events" },
  certification_field_mismatch: {
    zh: "认证字段与签名内容不符",
    en: "Certification field differs from signed data",
  },
  window_leaf_mismatch: {
    zh: "锚定叶子列表与存储事件不符",
    en: "Window leaf list differs from stored events",
  },
  ledger_missing: { zh: "已锚定的记录被删除", en: "Anchored ledger deleted" },
  head_behind_anchored_map: { zh: "已锚定的末尾事件被截断", en: "Head behind the anchored map" },
  anchored_head_rewritten: { zh: "已锚定的最新事件被改写", en: "Anchored head rewritten" },
  ledger_map_mismatch: { zh: "账本映射与链上根不符", en: "Ledger map differs from chain" },
};
