import { fact, formatQuantity, formatTime, renderDocument, type Lang } from "../../consumer";
import type { Anomaly, LicenceRow } from "../domain/brand-report-facts";
import type { CopiedSerialFacts } from "../domain/brand-anomalies";
import { ANOMALY_LABELS, SEVERITY_LABELS } from "../domain/anomaly-labels";
import { escapeHtml as e } from "../../../platform/web/html";

/** The brand report as a page a brand officer opens from a signed link (zh-CN first, English). */
export interface BrandReportPageView {
  brand: { id: string; name: { zh: string; en: string } };
  generatedAt: string;
  licences: Omit<LicenceRow, "batches">[];
  anomalies: Anomaly[];
}

const TEXT = {
  title: { zh: "品牌报告", en: "Brand report" },
  generatedAt: { zh: "生成时间", en: "Generated" },
  anomalies: { zh: "异常", en: "Anomalies" },
  none: { zh: "未发现异常。", en: "No anomaly found." },
  severity: { zh: "严重程度", en: "Severity" },
  licences: { zh: "授权与配额", en: "Licences and quota" },
  producer: { zh: "生产者", en: "Producer" },
  status: { zh: "状态", en: "Status" },
  quota: { zh: "配额", en: "Quota" },
  used: { zh: "已用", en: "Used" },
  claimed: { zh: "批次申领", en: "Claimed by batches" },
  remaining: { zh: "剩余", en: "Remaining" },
  csv: { zh: "下载 CSV（Excel 可直接打开）", en: "Download CSV (opens in Excel)" },
  audit: { zh: "品牌审计", en: "Brand audit" },
  serial: { zh: "序列号", en: "Serial" },
  firstScan: { zh: "首次扫描", en: "First scanned" },
  placeUnknown: { zh: "地点未知", en: "place unknown" },
} as const;

const STATUS: Record<string, Record<Lang, string>> = {
  active: { zh: "有效", en: "active" },
  suspended: { zh: "已暂停", en: "suspended" },
  revoked: { zh: "已撤销", en: "revoked" },
};

export function renderBrandReportPage(
  view: BrandReportPageView,
  lang: Lang,
  links: { self: string; csv: string; audit: string },
): string {
  const t = (key: keyof typeof TEXT) => TEXT[key][lang];
  const anomalies = view.anomalies
    .map(
      (
        anomaly,
      ) => `<li class="check check-${anomaly.severity === "high" ? "fail" : "warn"}" data-kind="${e(anomaly.kind)}" data-severity="${e(anomaly.severity)}">
<span class="badge">${e(t("severity"))} ${e(SEVERITY_LABELS[anomaly.severity][lang])}</span> <strong>${e(ANOMALY_LABELS[anomaly.kind][lang])}</strong>
<div class="muted" lang="en">${e(anomaly.message)}</div>${copiedSerialsList(anomaly, lang)}</li>`,
    )
    .join("\n");
  const head = [t("producer"), t("status"), t("quota"), t("used"), t("claimed"), t("remaining")];
  const rows = view.licences
    .map(
      (licence) => `<tr data-testid="licence-row" data-status="${e(licence.status)}">
<td><strong>${e(licence.producer.name ?? licence.producer.id)}</strong><div class="muted">${e(licence.period.from)} – ${e(licence.period.until)}</div></td>
<td><span class="badge">${e(STATUS[licence.status]?.[lang] ?? licence.status)}</span></td>
${[
  ["quota", licence.quota],
  ["used", licence.used],
  ["claimed", licence.claimed],
  ["remaining", licence.remaining],
]
  .map(
    ([key, quantity]) =>
      `<td class="num" data-label="${e(t(key as keyof typeof TEXT))}">${e(formatQuantity(quantity as { value: number; unit: string }, lang))}</td>`,
  )
  .join("")}
</tr>`,
    )
    .join("\n");
  return renderDocument({
    lang,
    title: `${view.brand.name[lang]} · ${t("title")}`,
    selfPath: links.self,
    body: `<header><h1 data-testid="report-title">${e(view.brand.name[lang])} · ${e(t("title"))}</h1>
<dl class="facts">${fact(t("generatedAt"), formatTime(view.generatedAt, lang))}</dl>
<p><a href="${e(links.csv)}" download>${e(t("csv"))}</a> · <a href="${e(links.audit)}">${e(t("audit"))}</a></p></header>
<section data-testid="anomalies"><h2>${e(t("anomalies"))} (${view.anomalies.length})</h2>
${anomalies ? `<ul class="checks">${anomalies}</ul>` : `<p>${e(t("none"))}</p>`}</section>
<section data-testid="licences"><h2>${e(t("licences"))}</h2>
<table class="rows"><thead><tr>${head.map((label) => `<th>${e(label)}</th>`).join("")}</tr></thead>
<tbody>${rows}</tbody></table></section>`,
  });
}

/** A suspected copy's serials, each with its first scan's time and region ("地点未知" when not shared). */
function copiedSerialsList(anomaly: Anomaly, lang: Lang): string {
  if (anomaly.kind !== "suspected_copy_serials") return "";
  const listed = anomaly.facts.listed as CopiedSerialFacts[];
  const items = listed.map((item) => {
    const region = item.firstScan.region;
    const place = region ? (lang === "zh" ? region.name : region.nameEn) : TEXT.placeUnknown[lang];
    return `<li data-testid="copied-serial">${e(TEXT.serial[lang])} ${e(item.serial)} · ${e(TEXT.firstScan[lang])}${lang === "zh" ? "：" : ": "}${e(formatTime(item.firstScan.at, lang))}${lang === "zh" ? "，" : ", "}${e(place)}</li>`;
  });
  return `<ul class="copied">${items.join("")}</ul>`;
}
