import { licenceRevokedNote } from "./consumer-brand";
import type { ConsumerView } from "../consumer-view";
import type { CertificationDisplay } from "../../verification";
import { escapeHtml as e } from "../../../platform/web/html";
import { adviceText, batchLabelText, ui, verdictText, type Lang } from "./i18n";
import { namedDetails } from "./event-details";
import { formatEventTime, formatTime } from "./page-document";

/**
 * The verdict banner: one word for the item in hand, then what happened, when, who says so and
 * what to do. A recall names its reason, date and contact (the recall's own, else the recalling
 * party's public contact, else "联系方式未提供"); a revocation names the certificate,
 * the certifier, the time, the reason the certifier signed and whether the product itself is
 * affected; a suspected copy names the first scan: its time and the region its shopper shared
 * ("地点未知" when they did not).
 */
export function verdictBanner(view: ConsumerView, lang: Lang): string {
  const verdict = verdictText(view.verdict, lang);
  const rows = [...verdictFacts(view, lang), row(ui("todo", lang), adviceText(view.verdict, lang), "todo")];
  return `<section class="verdict verdict-${view.verdict}" data-testid="verdict" data-verdict="${view.verdict}">
<h2>${e(verdict.title)}</h2>
<p>${e(verdict.summary)}</p>
<dl class="banner-facts">${rows.join("")}</dl>
${view.verdict === "revoked" ? licenceRevokedNote(view, lang) : ""}
${fakeReportForm(view, lang)}
</section>`;
}

function verdictFacts(view: ConsumerView, lang: Lang): string[] {
  switch (view.verdict) {
    case "recalled":
      return recallFacts(view, lang);
    case "revoked":
      return view.certifications
        .filter((cert) => cert.status === "revoked" || cert.status === "suspended")
        .flatMap((cert) => revocationFacts(view, cert, lang));
    case "suspected-copy":
      return copyFacts(view, lang);
    default:
      return [
        row(ui("when", lang), formatTime(view.checkedAt, lang)),
        row(ui("who", lang), ui("verifiedBy", lang)),
      ];
  }
}

function recallFacts(view: ConsumerView, lang: Lang): string[] {
  const recalls = view.journey.filter((entry) => entry.type === "recalling");
  return recalls.flatMap((recall) => {
    const details = new Map(namedDetails(recall, lang).map((detail) => [detail.label, detail.value]));
    const text = (key: "reason" | "contact") => {
      const value = details.get(ui(key, lang));
      return typeof value === "string" ? value : null;
    };
    const which = recall.fromInput
      ? `${ui("inputBatch", lang)}: ${batchLabelText(recall.batchLabel, lang)}`
      : null;
    return [
      row(ui("reason", lang), [text("reason"), which].filter(Boolean).join(" · ") || "—", "recall-reason"),
      row(ui("recallDate", lang), formatEventTime(recall.eventTime, lang), "recall-date"),
      row(ui("recalledBy", lang), recall.actor.name),
      row(ui("contact", lang), text("contact") ?? contactText(view, recall.actor.id, lang), "recall-contact"),
    ];
  });
}

/** The recalling party's public contact (phone, email), or an honest "not given": never its name. */
function contactText(view: ConsumerView, orgId: string, lang: Lang): string {
  const contact = view.contacts[orgId];
  const parts = [contact?.phone, contact?.email].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : ui("contactMissing", lang);
}

function revocationFacts(view: ConsumerView, cert: CertificationDisplay, lang: Lang): string[] {
  const change = cert.statusChange;
  const name = `${lang === "zh" ? cert.schemeName.zh : cert.schemeName.en} ${cert.certificateNumber}`;
  const by = change?.certifierName ?? ui("unknownCertifier", lang);
  const recalled = view.inputs.some((input) => input.recalled) || view.batch?.status === "recalled";
  const affected = recalled
    ? lang === "zh"
      ? "本批次另有召回记录，请见召回信息。"
      : "This batch was also recalled: see the recall."
    : lang === "zh"
      ? "产品记录完整、未被召回；撤销的是该证书对本产品的背书，并不表示产品不安全。"
      : "The records are intact and there is no recall: the certificate no longer backs the product, which does not mean it is unsafe.";
  return [
    row(ui("certificate", lang), name, "revoked-certificate"),
    row(ui(cert.status === "revoked" ? "revokedBy" : "suspendedBy", lang), by, "revoked-by"),
    row(ui("when", lang), change ? formatTime(change.at, lang) : "—", "revoked-at"),
    row(ui("signedReason", lang), change?.reason ?? "—", "revoked-reason"),
    row(ui("productAffected", lang), affected, "product-affected"),
  ];
}

function copyFacts(view: ConsumerView, lang: Lang): string[] {
  const serial = view.serial;
  if (!serial) return [];
  const devices = lang === "zh" ? `${serial.distinctClients} 台设备` : `${serial.distinctClients} devices`;
  const region = serial.firstScanRegion;
  const place = region ? (lang === "zh" ? region.name : region.nameEn) : ui("placeUnknown", lang);
  const time = serial.firstScanAt ? formatTime(serial.firstScanAt, lang) : "—";
  return [
    row(ui("serial", lang), serial.serial),
    row(ui("firstScan", lang), `${time}${lang === "zh" ? "，" : ", "}${place}`, "first-scan"),
    row(ui("devices", lang), devices),
  ];
}

function row(label: string, value: string, testId?: string): string {
  return `<div${testId ? ` data-testid="${testId}"` : ""}><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`;
}

const REASONS: Record<string, Record<Lang, string>> = {
  "label-copied": { zh: "标签像是复制的", en: "The label looks copied" },
  "package-differs": { zh: "包装与正品不同", en: "The package differs from the genuine one" },
  "product-differs": { zh: "产品本身不对", en: "The product itself is wrong" },
  "seller-suspicious": { zh: "卖家可疑", en: "The seller is suspicious" },
};

/** On an item's page: "report a fake", a form with a fixed list of reasons (no script, no free text). */
function fakeReportForm(view: ConsumerView, lang: Lang): string {
  if (!view.serial || !view.batch) return "";
  const action = `${new URL(view.batch.digitalLink).pathname}/21/${encodeURIComponent(view.serial.serial)}/fake-report`;
  const options = Object.entries(REASONS)
    .map(([value, text]) => `<option value="${value}">${e(text[lang])}</option>`)
    .join("");
  return `<form class="report-fake" method="post" action="${e(action)}" data-testid="report-fake">
<input type="hidden" name="lang" value="${lang}">
<label>${e(ui("reportFake", lang))} <select name="reason">${options}</select></label>
<button type="submit">${e(ui("reportFakeButton", lang))}</button></form>`;
}
