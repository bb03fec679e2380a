import type { ProducerCertification, BrandOverview } from "../../brands";
import type { BrandLabelStats } from "../../labels";
import { brandUi, categoryText, licenceStatusText } from "./brand-i18n";
import { escapeHtml as e } from "../../../platform/web/html";
import { certStatusText, ui, type Lang } from "../../consumer/web/i18n";
import { fact, formatQuantity, formatTime, renderDocument } from "../../consumer/web/page-document";
import { provinceName } from "../../../platform/web/region-names";
import { divisionNames } from "../../../platform/web/division-names";

/** The brand page's data (HTML and JSON): the overview with the regions' names and label counts. */
export type BrandPageView = BrandOverview & {
  regions: { code: string; province: { zh: string; en: string } | null }[];
  labels: BrandLabelStats;
};

export function brandPageView(overview: BrandOverview, labels: BrandLabelStats): BrandPageView {
  return {
    ...overview,
    labels,
    regions: overview.regionCodes.map((code) => {
      const zh = provinceName(code, "zh");
      const en = provinceName(code, "en");
      return { code, province: zh && en ? { zh, en } : null };
    }),
  };
}

/** The public brand page: one server-rendered document like the consumer page, mobile-first. */
export function renderBrandPage(view: BrandPageView, lang: Lang, selfPath: string): string {
  const [primary, secondary] = lang === "zh" ? [view.name.zh, view.name.en] : [view.name.en, view.name.zh];
  return renderDocument({
    lang,
    title: `${primary} · ${brandUi("brandPageTitle", lang)}`,
    selfPath,
    body: `<header>
<h1 data-testid="brand-name">${e(primary)}</h1>
<p class="subtitle">${e(secondary)} · ${e(brandUi("brandPageTitle", lang))}</p>
<dl class="facts">
${fact(brandUi("owner", lang), view.owner.name)}
${fact(brandUi("regions", lang), view.regions.map((region) => regionText(region, lang)).join("; "))}
${fact(brandUi("categories", lang), view.categories.map((category) => categoryText(category, lang)).join("、"))}
${fact(brandUi("requiredSchemes", lang), view.requiredSchemes.map((scheme) => scheme.name[lang]).join("、") || brandUi("noneRequired", lang))}
${view.logo ? `<div><dt>${e(brandUi("logo", lang))}</dt><dd class="hash">sha256 ${e(view.logo.sha256)} (${e(view.logo.mediaType)})${view.logo.uri ? ` · ${e(view.logo.uri)}` : ""}</dd></div>` : ""}
</dl>
</header>
${totalsSection(view, lang)}
${licencesSection(view, lang)}
${certificationsSection(view, lang)}
${registerSection(view, lang)}
<footer><p>${e(ui("checkedAt", lang))}: ${e(formatTime(view.checkedAt, lang))}</p>
<p><a href="/api/brands/${e(view.id)}">JSON</a></p></footer>`,
  });
}

function licencesSection(view: BrandPageView, lang: Lang): string {
  if (view.licences.length === 0)
    return `<section data-testid="licences"><h2>${e(brandUi("licensedProducers", lang))}</h2><p class="muted">${e(brandUi("noLicences", lang))}</p></section>`;
  const rows = view.licences.map((licence) => {
    const percent = (licence.usedShare * 100).toFixed(1);
    const reason =
      licence.status !== "active" && licence.statusReason
        ? `<div class="muted">${e(brandUi("reason", lang))}: ${e(licence.statusReason)}</div>`
        : "";
    return `<tr class="licence-${e(licence.status)}" data-testid="licence-row" data-licence="${e(licence.id)}" data-status="${e(licence.status)}">
<td><strong>${e(licence.producer.name)}</strong><div class="muted">${e(categoryText(licence.category, lang))} · ${e(licence.period.from)} – ${e(licence.period.until)}</div></td>
<td><span class="badge">${e(licenceStatusText(licence.status, lang))}</span>${reason}</td>
<td class="num" data-col="quota" data-label="${e(brandUi("quota", lang))}">${e(formatQuantity(licence.quota, lang))}</td>
<td class="num" data-col="used" data-label="${e(brandUi("used", lang))}">${e(formatQuantity(licence.used, lang))}</td>
<td class="num" data-col="remaining" data-label="${e(brandUi("remaining", lang))}">${e(formatQuantity(licence.remaining, lang))}</td>
<td><span class="bar${licence.usedShare >= 1 ? " full" : ""}" role="img" aria-label="${percent}%"><span style="width:${percent}%"></span></span></td>
</tr>`;
  });
  const head = [
    brandUi("licensedProducer", lang),
    brandUi("status", lang),
    brandUi("quota", lang),
    brandUi("used", lang),
    brandUi("remaining", lang),
  ];
  return `<section data-testid="licences"><h2>${e(brandUi("licensedProducers", lang))}</h2>
<table class="rows">
<thead><tr>${head.map((label) => `<th>${e(label)}</th>`).join("")}<th><span class="sr-only">${e(brandUi("usedShare", lang))}</span></th></tr></thead>
<tbody>${rows.join("\n")}</tbody>
</table></section>`;
}

/** Brand-wide totals: licences, quota taken per unit, and the item labels shoppers scanned. */
function totalsSection(view: BrandPageView, lang: Lang): string {
  const active = view.licences.filter((licence) => licence.status === "active").length;
  const byUnit = new Map<string, { quota: number; used: number }>();
  for (const licence of view.licences) {
    const total = byUnit.get(licence.quota.unit) ?? { quota: 0, used: 0 };
    total.quota += licence.quota.value;
    total.used += licence.used.value;
    byUnit.set(licence.quota.unit, total);
  }
  const quotas = [...byUnit].map(
    ([unit, total]) =>
      `${formatQuantity({ value: total.used, unit }, lang)} / ${formatQuantity({ value: total.quota, unit }, lang)}`,
  );
  const labels = view.labels;
  return `<section data-testid="totals"><h2>${e(brandUi("totals", lang))}</h2>
<dl class="facts">
${fact(brandUi("licenceCount", lang), `${view.licences.length}（${brandUi("activeCount", lang)} ${active}）`)}
${fact(brandUi("quotaTaken", lang), quotas.join("; ") || "—")}
${fact(brandUi("labelsIssued", lang), String(labels.issued))}
${fact(brandUi("labelsScanned", lang), `${labels.scanned} · ${brandUi("scanCount", lang)} ${labels.scans}`)}
${fact(brandUi("unknownScans", lang), String(labels.unknownScans))}
</dl></section>`;
}

function regionText(region: BrandPageView["regions"][number], lang: Lang): string {
  const divisions = divisionNames(region.code);
  return [region.province?.[lang], divisions.city, divisions.county]
    .filter(Boolean)
    .join(lang === "zh" ? "" : ", ");
}

function certificationsSection(view: BrandPageView, lang: Lang): string {
  const producers = view.producers.map((producer) => {
    const missing = view.requiredSchemes.filter(
      (scheme) =>
        !producer.certifications.some((item) => item.scheme === scheme.code && item.status === "valid"),
    );
    const items = producer.certifications.map((item) => certificationItem(item, lang)).join("\n");
    return `<div class="producer" data-testid="producer-certifications" data-producer="${e(producer.id)}">
<h3>${e(producer.name)}</h3>
${items ? `<ul class="certs">${items}</ul>` : `<p class="muted">${e(brandUi("noCertifications", lang))}</p>`}
${missing.length > 0 ? `<p class="muted" data-testid="missing-required">${e(brandUi("missingRequired", lang))}: ${e(missing.map((scheme) => scheme.name[lang]).join("、"))}</p>` : ""}
</div>`;
  });
  return `<section data-testid="certifications"><h2>${e(brandUi("producerCertifications", lang))}</h2>
${producers.join("\n") || `<p class="muted">${e(brandUi("noLicences", lang))}</p>`}</section>`;
}

function certificationItem(item: ProducerCertification, lang: Lang): string {
  const subject = item.subject.plot
    ? `${brandUi("plot", lang)} ${item.subject.plot}`
    : brandUi("wholeProducer", lang);
  const details = [
    item.certifier.name,
    subject,
    ...(item.category ? [categoryText(item.category, lang)] : []),
    ...(item.status === "valid" || item.status === "unreachable"
      ? [`${ui("validUntil", lang)} ${item.validUntil.slice(0, 10)}`]
      : [
          `${certStatusText(item.status, lang)}${item.statusChangedAt ? ` ${formatTime(item.statusChangedAt, lang)}` : ""}`,
        ]),
  ];
  return `<li class="cert cert-${e(item.status)}" data-cert="${e(item.certHash)}" data-status="${e(item.status)}">
<strong>${e(item.schemeName[lang])}</strong> ${e(item.certificateNumber)}
<span class="badge">${e(certStatusText(item.status, lang))}</span>
<div class="muted">${details.map(e).join(" · ")}</div>
</li>`;
}

function registerSection(view: BrandPageView, lang: Lang): string {
  const register = view.register;
  const anchor = register.anchor
    ? `${brandUi("registerAnchored", lang)}${register.anchor.blockNumber !== null ? ` · ${ui("block", lang)} ${register.anchor.blockNumber}` : ""}`
    : brandUi("registerPending", lang);
  return `<section data-testid="register"><h2>${e(brandUi("register", lang))}</h2>
<dl class="facts">
${fact(brandUi("registerSeq", lang), String(register.seq))}
<div><dt>${e(brandUi("registerHash", lang))}</dt><dd class="hash">${e(register.hash)}</dd></div>
<div><dt>${e(ui("status", lang))}</dt><dd data-testid="register-anchor" data-anchored="${register.anchor ? "true" : "false"}">${e(anchor)}</dd></div>
${register.anchor ? `<div><dt>${e(ui("merkleRoot", lang))}</dt><dd class="hash">${e(register.anchor.root)}</dd></div>` : ""}
</dl>
<p><a href="/api/brands/${e(view.id)}/events">${e(brandUi("registerEvents", lang))}</a></p>
</section>`;
}

/** The page for an id that names no brand (unknown or malformed), in both languages. */
export function renderBrandNotFound(lang: Lang, selfPath: string): string {
  const [first, second]: Lang[] = lang === "zh" ? ["zh", "en"] : ["en", "zh"];
  return renderDocument({
    lang,
    title: `${brandUi("notFoundTitle", first)} · ${brandUi("notFoundTitle", second)}`,
    selfPath,
    body: `<section class="verdict verdict-unknown" data-testid="not-found">
<h2>${e(brandUi("notFoundTitle", first))}</h2>
<p>${e(brandUi("notFoundText", first))}</p>
<p lang="${second === "zh" ? "zh-CN" : "en"}">${e(brandUi("notFoundTitle", second))}: ${e(brandUi("notFoundText", second))}</p>
</section>`,
  });
}
