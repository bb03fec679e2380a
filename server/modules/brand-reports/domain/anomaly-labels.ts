/**
 * What each anomaly kind and severity is called, zh-CN first: shared by the brand report page, the
 * audit pages and the web console. The console imports this file, so it imports nothing; the server's
 * uses index it by `AnomalyKind` and `Severity`, so a kind without a label does not compile.
 */
export const ANOMALY_LABELS = {
  quota_counter_mismatch: { zh: "配额计数与批次不符", en: "Quota counter differs from batches" },
  labels_beyond_shipped: { zh: "单品码多于已出货量", en: "Labels beyond what was shipped" },
  unknown_serial_scans: { zh: "扫到未登记的单品码", en: "Scans of never-issued serials" },
  suspected_copy_serials: { zh: "单品码疑似被复制", en: "Item labels that look copied" },
  fake_reports: { zh: "消费者举报假货", en: "Shoppers reported fakes" },
  revoked_licence_selling: { zh: "授权撤销后仍在销售", en: "Selling after the licence was revoked" },
  unrecorded_licence_change: { zh: "授权变更未记入登记簿", en: "Licence change not in the register" },
};

export const SEVERITY_LABELS = {
  high: { zh: "高", en: "high" },
  medium: { zh: "中", en: "medium" },
  low: { zh: "低", en: "low" },
};
