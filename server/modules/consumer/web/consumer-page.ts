import { brandSection, licenceSuspendedWarning } from "./consumer-brand";
import type { JourneyEntry } from "./consumer-journey";
import type { ConsumerView } from "../consumer-view";
import { escapeHtml as e } from "../../../platform/web/html";
import { batchLabelText, certStatusText, checkText, journeyTitle, statusText, ui, type Lang } from "./i18n";
import { dispositionText, namedDetails, unitText } from "./event-details";
import { chinaOutlineSvg, provinceMapSvg, type MapPlace } from "./origin-map";
import { fact, formatEventTime, formatTime, printedBarcode, renderDocument } from "./page-document";
import { verdictBanner } from "./verdict-banner";
import { SHARE_REGION_SCRIPT, shareRegionSection } from "./share-region";
import { provinceName } from "../../../platform/web/region-names";
import { divisionNames } from "../../../platform/web/division-names";
import { HIDDEN, type Shown } from "../../../platform/web/shown";

/**
 * The consumer page: one server-rendered HTML document, mobile-first, that loads nothing else
 * (inline CSS and SVG, system fonts; on an item's page one nonce'd script, see share-region.ts).
 * First screen: product, verdict banner, origin with its map; then the journey and certificates in plain words; the technical proof (checks, chain,
 * anchors) behind a fold. `selfPath` is the page's own path, for the language switch; `nonce`
 * allows the script of an item's page (null: no script).
 */
export function renderConsumerPage(
  view: ConsumerView,
  lang: Lang,
  selfPath: string,
  nonce: string | null,
): string {
  const title = view.batch
    ? `${view.batch.product.name ?? ui("notStated", lang)} · ${ui("pageTitle", lang)}`
    : ui("pageTitle", lang);
  const share = nonce ? shareRegionSection(view, lang) : "";
  return renderDocument({
    lang,
    title,
    selfPath,
    script: nonce && share ? { nonce, code: SHARE_REGION_SCRIPT } : undefined,
    body: `${view.batch ? header(view, lang) : `<h1>${e(ui("unknownCode", lang))}</h1>`}
${verdictBanner(view, lang)}
${licenceSuspendedWarning(view, lang)}
${share}
${view.batch ? body(view, lang) : ""}
${proofFold(view, lang)}
<footer><p>${e(ui("checkedAt", lang))}: ${e(formatTime(view.checkedAt, lang))}</p></footer>`,
  });
}

function header(view: ConsumerView, lang: Lang): string {
  const batch = view.batch!;
  const brand = view.brand ? (lang === "zh" ? view.brand.name.zh : view.brand.name.en) : batch.brand;
  return `<header>
<h1 data-testid="product">${e(batch.product.name ?? ui("notStated", lang))}</h1>
<div class="head">
<dl class="facts">
${fact(ui("brand", lang), brand)}
${fact(ui("producer", lang), batch.producer.name)}
${fact(ui("lot", lang), batch.lot)}
${view.serial ? fact(ui("serial", lang), `${view.serial.serial} · ${ui("scans", lang)} ${view.serial.scans}`) : ""}
${batch.product.gtin ? `<div data-testid="barcode"><dt>${e(ui("gtin", lang))}</dt><dd>${e(printedBarcode(batch.product.gtin))}</dd></div>` : ""}
</dl>
${view.origin ? chinaOutlineSvg(mapPlace(view, lang)) : ""}
</div>
</header>`;
}

function body(view: ConsumerView, lang: Lang): string {
  return [
    originSection(view, lang),
    journeySection(view, lang),
    certificationsSection(view, lang),
    brandSection(view, lang),
  ].join("\n");
}

function originSection(view: ConsumerView, lang: Lang): string {
  const origin = view.origin;
  if (!origin) return "";
  const region = regionText(origin, lang);
  // What the producer did not state is said so, never left out or filled in (decision 0031).
  const notStated = ui("notStated", lang);
  const privateNote =
    origin.location === HIDDEN ? `<p class="muted">${e(ui("coordinatesPrivate", lang))}</p>` : "";
  return `<section data-testid="origin" class="origin">
<h2>${e(ui("origin", lang))}</h2>
<dl class="facts">
${fact(ui("origin", lang), origin.place ?? notStated)}
<div data-testid="region"><dt>${e(ui("region", lang))}</dt><dd>${e(region || countryText(origin.country, lang) || notStated)}</dd></div>
${fact(ui("harvested", lang), origin.harvestedAt ? origin.harvestedAt.slice(0, 10) : notStated)}
</dl>${privateNote}
${provinceMapSvg(mapPlace(view, lang), ui("mapCaption", lang))}
</section>`;
}

/** An ISO 3166-1 country code as the country's name in the page's language. */
function countryText(code: string | null, lang: Lang): string | null {
  if (!code) return null;
  return new Intl.DisplayNames([lang === "zh" ? "zh-CN" : "en"], { type: "region" }).of(code) ?? code;
}

/** Province, city, county and township of the origin, from the GB/T 2260 code (and the place's township). */
function regionText(origin: NonNullable<ConsumerView["origin"]>, lang: Lang): string {
  const divisions = divisionNames(origin.regionCode, origin.place);
  return [
    provinceName(origin.regionCode ?? undefined, lang),
    divisions.city,
    divisions.county,
    divisions.township,
  ]
    .filter(Boolean)
    .join(lang === "zh" ? "" : ", ");
}

function mapPlace(view: ConsumerView, lang: Lang): MapPlace {
  const origin = view.origin!;
  const point = origin.location && origin.location !== HIDDEN ? (origin.location as MapPlace["point"]) : null;
  return {
    provinceCode: origin.regionCode,
    point,
    label: `${ui("origin", lang)}: ${regionText(origin, lang)}`,
  };
}

function journeySection(view: ConsumerView, lang: Lang): string {
  // Certifications are shown with their certificates, not as a step of the product's journey.
  const items = view.journey
    .filter((entry) => entry.type !== "certifying")
    .map((entry) => journeyItem(entry, lang))
    .join("\n");
  return `<section><h2>${e(ui("journey", lang))}</h2><ol class="timeline" data-testid="journey">${items}</ol></section>`;
}

function journeyItem(entry: JourneyEntry, lang: Lang): string {
  const place = entry.location ? shown(entry.location.name, lang) : "";
  const results = entry.results.length
    ? `<ul class="results">${entry.results.map((result) => resultItem(result, lang)).join("")}</ul>`
    : "";
  const details = namedDetails(entry, lang);
  const detailList = details.length
    ? `<dl class="details">${details.map((detail) => `<div><dt>${e(detail.label)}</dt><dd>${shown(detail.value, lang)}</dd></div>`).join("")}</dl>`
    : "";
  const disposition = entry.disposition ? dispositionText(entry.disposition, lang) : null;
  // The id is what the console's per-event link ends with (#event-…).
  return `<li id="event-${e(entry.eventId)}" class="event event-${e(entry.type)}${entry.disposition === "non_conformant" || entry.type === "recalling" ? " alert" : ""}" data-type="${e(entry.type)}" data-time="${e(entry.eventTime)}">
<div class="when">${e(formatEventTime(entry.eventTime, lang))}</div>
<div class="what"><strong>${e(journeyTitle(entry, lang))}</strong>${disposition ? ` <span class="disposition">${e(disposition)}</span>` : ""}${entry.anchored ? "" : ` <span class="pending-tag">${e(ui("pendingTag", lang))}</span>`}</div>
<div class="who">${e(entry.actor.name)}${place ? ` · ${place}` : ""}${entry.fromInput ? ` <span class="input-tag">${e(ui("inputBatch", lang))}: ${e(batchLabelText(entry.batchLabel, lang))}</span>` : ""}</div>
${results}${detailList}
</li>`;
}

function resultItem(result: JourneyEntry["results"][number], lang: Lang): string {
  const unit = result.unit ? ` ${e(unitText(result.unit, lang))}` : "";
  const verdict =
    result.pass === null ? "" : ` — ${e(result.pass ? ui("pass", lang) : ui("failResult", lang))}`;
  return `<li class="${result.pass === false ? "bad" : result.pass ? "good" : ""}">${e(result.name)}: ${shown(result.value, lang)}${unit}${verdict}</li>`;
}

function certificationsSection(view: ConsumerView, lang: Lang): string {
  const recorded = new Map(
    view.journey
      .filter((entry) => entry.type === "certifying")
      .flatMap((entry) => {
        const number = entry.details.find((detail) => detail.key === "certificateNumber")?.value;
        return typeof number === "string" ? [[number, entry.eventTime] as const] : [];
      }),
  );
  const items = view.certifications
    .map((cert) => {
      const validity =
        cert.status === "revoked" || cert.status === "suspended"
          ? `${certStatusText(cert.status, lang)}${cert.statusChange ? ` ${formatTime(cert.statusChange.at, lang)}` : ""}`
          : `${ui("validUntil", lang)} ${cert.validUntil.slice(0, 10)}`;
      const when = recorded.get(cert.certificateNumber);
      return `<li class="cert cert-${e(cert.status)}" data-status="${e(cert.status)}">
<strong>${e(lang === "zh" ? cert.schemeName.zh : cert.schemeName.en)}</strong> ${e(cert.certificateNumber)}
<span class="badge">${e(certStatusText(cert.status, lang))}</span>
<div class="muted">${e(validity)}${cert.inherited ? ` · ${e(ui("inheritedCert", lang))}` : ""}${when ? ` · ${e(ui("certRecordedAt", lang))} ${e(formatEventTime(when, lang))}` : ""}</div>
</li>`;
    })
    .join("\n");
  return `<section data-testid="certifications"><h2>${e(ui("certifications", lang))}</h2>${
    items ? `<ul class="certs">${items}</ul>` : `<p class="muted">${e(ui("noCertifications", lang))}</p>`
  }</section>`;
}

/** The technical proof, folded: checks, chain, anchors and the proof bundle, in the page's language. */
function proofFold(view: ConsumerView, lang: Lang): string {
  const links = view.links
    ? `<p><a href="${e(view.links.proofBundle)}" download>${e(ui("downloadBundle", lang))}</a> · <a href="${e(view.links.verify)}">JSON</a></p>`
    : "";
  return `<details class="proof" data-testid="proof"><summary>${e(ui("showProof", lang))}</summary>
${checksSection(view, lang)}
${view.proof ? chainSection(view, lang) : ""}
${links}
</details>`;
}

function chainSection(view: ConsumerView, lang: Lang): string {
  const proof = view.proof!;
  const anchors = proof.anchors
    .map(
      (anchor) => `<li><dl class="facts">
${fact(ui("anchoredAt", lang), anchor.anchoredAt ? formatTime(anchor.anchoredAt, lang) : null)}
${fact(ui("block", lang), String(anchor.blockNumber))}
<div><dt>${e(ui("transaction", lang))}</dt><dd class="hash">${e(anchor.txHash ?? "—")}</dd></div>
<div><dt>${e(ui("merkleRoot", lang))}</dt><dd class="hash">${e(anchor.root)}</dd></div>
</dl></li>`,
    )
    .join("\n");
  const pending = proof.pendingEvents
    ? `<p class="pending-note" data-testid="being-anchored">${e(ui("beingAnchored", lang))} (${proof.pendingEvents} ${e(ui("eventsWaiting", lang))})</p>`
    : "";
  return `<h3>${e(ui("proof", lang))}</h3>
<dl class="facts">
${fact(ui("chainId", lang), String(proof.chainId))}
<div><dt>${e(ui("contract", lang))}</dt><dd class="hash">${e(proof.registry)}</dd></div>
</dl>
${pending}${anchors ? `<ul class="anchors">${anchors}</ul>` : ""}`;
}

function checksSection(view: ConsumerView, lang: Lang): string {
  // A check's detail is written in English for auditors: the Chinese page names the check and its outcome.
  const items = view.checks
    .map(
      (
        check,
      ) => `<li class="check check-${check.status}" data-check="${e(check.name)}" data-status="${check.status}">
<span class="badge">${e(statusText(check.status, lang))}</span> <strong>${e(checkText(check.name, lang))}</strong>
${lang === "en" ? `<div class="muted">${e(check.detail)}</div>` : ""}</li>`,
    )
    .join("\n");
  return `<h3>${e(ui("howVerdict", lang))}</h3><ul class="checks" data-testid="checks">${items}</ul>`;
}

function shown(value: Shown<unknown> | null, lang: Lang): string {
  if (value === null || value === undefined) return "";
  if (value === HIDDEN || (typeof value === "object" && (value as { hidden?: unknown }).hidden === true)) {
    return `<span class="hidden" title="${e(ui("hiddenHint", lang))}">${e(ui("hiddenHint", lang))}</span>`;
  }
  return e(typeof value === "string" ? value : JSON.stringify(value));
}
