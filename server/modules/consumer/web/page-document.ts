import { PAGE_STYLE } from "./consumer-page.style";
import { escapeHtml as e } from "../../../platform/web/html";
import { ui, type Lang } from "./i18n";

/**
 * The frame of every public page (consumer page, brand page): one server-rendered document that
 * loads nothing else (inline CSS, system fonts, no script), with the language switch. `selfPath`
 * is the page's own path, for that switch.
 */
export function renderDocument(page: { lang: Lang; title: string; selfPath: string; body: string }): string {
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
<nav class="lang"><a href="${e(`${page.selfPath}?lang=${otherLang}`)}" hreflang="${otherLang}">${ui("language", page.lang)}</a></nav>
${page.body}
</main>
</body>
</html>
`;
}

/** One label/value row of a facts list; nothing for an empty value. */
export function fact(label: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "";
  return `<div><dt>${e(label)}</dt><dd>${e(value)}</dd></div>`;
}

/** A moment for people in China: the date and time in UTC+8, in the page's language. */
export function formatTime(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", {
    timeZone: "Asia/Shanghai",
    dateStyle: "medium",
    timeStyle: "medium",
  }).format(date);
  return `${text} (UTC+8)`;
}

/** A quantity as people read it: "420 KGM" (binary noise of repeated additions rounded away). */
export function formatQuantity(quantity: { value: number; unit: string }): string {
  return `${Math.round(quantity.value * 1000) / 1000} ${quantity.unit}`;
}
