import { PAGE_STYLE } from "./consumer-page.style";
import { escapeHtml as e } from "../../../platform/web/html";
import { ui, type Lang } from "./i18n";
import { unitText } from "./event-details";

/**
 * The frame of every public page (consumer page, brand page): one server-rendered document that
 * loads nothing else (inline CSS, system fonts, at most one nonce'd inline script), with the language switch. `selfPath`
 * is the page's own path (with the query a signed link needs), for that switch.
 */
export function renderDocument(page: {
  lang: Lang;
  title: string;
  selfPath: string;
  body: string;
  /** An inline script allowed by the response's CSP nonce (pageCspWithScript). */
  script?: { nonce: string; code: string };
}): string {
  const otherLang = page.lang === "zh" ? "en" : "zh";
  return `<!doctype html>
<html lang="${page.lang === "zh" ? "zh-CN" : "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(page.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<nav class="lang"><a href="${e(`${page.selfPath}${page.selfPath.includes("?") ? "&" : "?"}lang=${otherLang}`)}" hreflang="${otherLang}">${ui("language", page.lang)}</a></nav>
${page.body}
</main>
${page.script ? `<script nonce="${e(page.script.nonce)}">${page.script.code}</script>\n` : ""}</body>
</html>
`;
}

/**
 * The page a shopper's form post answers with (a fake report, a shared region): one sentence and
 * the way back to the item's page, in the language the form was in.
 */
export function renderNotice(notice: { lang: Lang; testId: string; text: string; itemPath: string }): string {
  const back = `${notice.itemPath}?lang=${notice.lang}`;
  return renderDocument({
    lang: notice.lang,
    title: notice.text,
    selfPath: notice.itemPath,
    body: `<section data-testid="${e(notice.testId)}"><h2>${e(notice.text)}</h2><p><a href="${e(back)}">${e(ui("backToItem", notice.lang))}</a></p></section>`,
  });
}

/** One label/value row of a facts list; nothing for an empty value. */
export function fact(label: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  return `<div><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`;
}

/** One formatter per language: building an Intl.DateTimeFormat costs ~0.2 ms, a page formats several times. */
const chinaTimeFormats = new Map<Lang, Intl.DateTimeFormat>();

/** A moment for people in China: the date and time in UTC+8, in the page's language. */
export function formatTime(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let format = chinaTimeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", {
      timeZone: "Asia/Shanghai",
      dateStyle: "medium",
      timeStyle: "medium",
    });
    chinaTimeFormats.set(lang, format);
  }
  return `${format.format(date)} (UTC+8)`;
}

/**
 * When an event happened, in the offset it was recorded with (the local time where it happened):
 * "2026-04-02 10:00". China Standard Time (+08:00) is the page's default and is not labelled;
 * another offset is ("2026-12-06 20:50 UTC", "… UTC-05:00"). An instant recorded in UTC is shown in
 * UTC, never as if it were China time.
 */
export function formatEventTime(iso: string, lang: Lang): string {
  const match = /(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  const instant = Date.parse(iso);
  if (!match || Number.isNaN(instant)) return iso;
  const offset = match[1] === "Z" ? "+00:00" : match[1];
  const minutes =
    (offset[0] === "-" ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const wall = new Date(instant + minutes * 60_000).toISOString();
  const text = `${wall.slice(0, 10)} ${wall.slice(11, 16)}`;
  if (offset === "+08:00") return text;
  const zone = offset === "+00:00" ? "UTC" : `UTC${offset}`;
  return lang === "zh" ? `${text}（${zone}）` : `${text} (${zone})`;
}

/** A 14-digit GTIN as printed under the barcode: the 13-digit EAN-13 when it starts with 0. */
export function printedBarcode(gtin: string): string {
  return gtin.length === 14 && gtin.startsWith("0") ? gtin.slice(1) : gtin;
}

/** A quantity as people read it: "420 千克" / "420 kg" (binary noise of repeated additions rounded away). */
export function formatQuantity(quantity: { value: number; unit: string }, lang: Lang): string {
  return `${Math.round(quantity.value * 1000) / 1000} ${unitText(quantity.unit, lang)}`;
}
