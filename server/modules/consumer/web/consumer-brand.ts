import type { LicenceDisplay } from "../../verification";
import { brandUi, categoryText, licenceStatusText } from "./brand-i18n";
import type { ConsumerView } from "../consumer-view";
import { escapeHtml as e } from "../../../platform/web/html";
import { ui, type Lang } from "./i18n";
import { formatQuantity, formatTime } from "./page-document";

/**
 * The consumer page's brand parts: the brand with a link to its page and the licences behind the
 * claim with their live status; a banner in the verdict for a revoked licence and a warning for
 * a suspended one (which does not change the verdict).
 */
export function brandSection(view: ConsumerView, lang: Lang): string {
  const brand = view.brand;
  if (!brand) return "";
  const href = `/brands/${brand.id}${lang === "en" ? "?lang=en" : ""}`;
  const [primary, secondary] =
    lang === "zh" ? [brand.name.zh, brand.name.en] : [brand.name.en, brand.name.zh];
  const logo = brand.logo
    ? `<div><dt>${e(brandUi("logo", lang))}</dt><dd class="hash">sha256 ${e(brand.logo.sha256)} (${e(brand.logo.mediaType)})${
        brand.logo.uri ? ` · ${e(brand.logo.uri)}` : ""
      }</dd></div>`
    : "";
  return `<section data-testid="brand">
<h2>${e(brandUi("brandSection", lang))}</h2>
<dl class="facts">
<div><dt>${e(ui("brand", lang))}</dt><dd><a href="${e(href)}" data-testid="brand-link">${e(primary)}</a> · ${e(secondary)}</dd></div>
${logo}
</dl>
<ul class="licences">${brand.licences.map((licence) => licenceItem(licence, lang)).join("\n")}</ul>
</section>`;
}

function licenceItem(licence: LicenceDisplay, lang: Lang): string {
  const terms = [
    `${brandUi("category", lang)} ${categoryText(licence.category, lang)}`,
    `${brandUi("period", lang)} ${licence.period.from} – ${licence.period.until}`,
    `${brandUi("quota", lang)} ${formatQuantity(licence.quota, lang)}`,
    `${brandUi("used", lang)} ${formatQuantity(licence.used, lang)}`,
  ];
  return `<li class="licence licence-${e(licence.status)}" data-licence="${e(licence.id)}" data-status="${e(licence.status)}">
<strong>${e(brandUi("licensedProducer", lang))}</strong> ${e(licence.producer.name)}
<span class="badge">${e(licenceStatusText(licence.status, lang))}</span>${
    licence.inherited ? ` <span class="input-tag">${e(brandUi("inheritedLicence", lang))}</span>` : ""
  }
<div class="muted">${terms.map(e).join(" · ")}</div>${statusLine(licence, lang)}
</li>`;
}

function statusLine(licence: LicenceDisplay, lang: Lang): string {
  if (licence.status === "active") return "";
  const reason = licence.statusReason ? ` · ${brandUi("reason", lang)}: ${licence.statusReason}` : "";
  return `\n<div class="muted">${e(`${licenceStatusText(licence.status, lang)} ${formatTime(licence.statusChangedAt, lang)}${reason}`)}</div>`;
}

/** Inside the verdict: why a revoked verdict comes from the brand licence. */
export function licenceRevokedNote(view: ConsumerView, lang: Lang): string {
  const revoked = view.brand?.licences.filter((licence) => licence.status === "revoked") ?? [];
  if (revoked.length === 0) return "";
  return `<p class="recall" data-testid="licence-revoked"><strong>${e(brandUi("licenceRevokedBanner", lang))}:</strong> ${revoked
    .map((licence) => e(describe(view, licence, lang)))
    .join("; ")}</p>`;
}

/** Below the verdict: a suspended licence is a warning, not a verdict. */
export function licenceSuspendedWarning(view: ConsumerView, lang: Lang): string {
  const suspended = view.brand?.licences.filter((licence) => licence.status === "suspended") ?? [];
  if (suspended.length === 0) return "";
  return `<section class="licence-warning" data-testid="licence-suspended"><strong>${e(brandUi("licenceSuspendedWarning", lang))}:</strong> ${suspended
    .map((licence) => e(describe(view, licence, lang)))
    .join("; ")}<p>${e(brandUi("licenceSuspendedHint", lang))}</p></section>`;
}

function describe(view: ConsumerView, licence: LicenceDisplay, lang: Lang): string {
  const brand = lang === "zh" ? view.brand!.name.zh : view.brand!.name.en;
  const reason = licence.statusReason ? ` (${brandUi("reason", lang)}: ${licence.statusReason})` : "";
  return `${brand} · ${licence.producer.name}${reason}`;
}
