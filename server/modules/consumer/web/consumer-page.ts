import { brandSection, licenceRevokedNote, licenceSuspendedWarning } from "./consumer-brand";
import type { JourneyEntry } from "./consumer-journey";
import type { ConsumerView } from "../consumer-view";
import { escapeHtml as e } from "../../../platform/web/html";
import { certStatusText, checkText, journeyTitle, statusText, ui, verdictText, type Lang } from "./i18n";
import { originMapSvg } from "./origin-map";
import { fact, formatTime, renderDocument } from "./page-document";
import { provinceName } from "../../../platform/web/region-names";
import { HIDDEN, type Shown } from "../../../platform/web/shown";

/**
 * The consumer page: one server-rendered HTML document, mobile-first, that loads nothing else
 * (inline CSS and SVG, system fonts, no script). `selfPath` is the page's own path, for the
 * language switch.
 */
export function renderConsumerPage(view: ConsumerView, lang: Lang, selfPath: string): string {
  const verdict = verdictText(view.verdict, lang);
  const title = view.batch ? `${view.batch.product.name} · ${ui("pageTitle", lang)}` : ui("pageTitle", lang);
  return renderDocument({
    lang,
    title,
    selfPath,
    body: `${view.batch ? header(view, lang) : `<h1>${e(ui("unknownCode", lang))}</h1>`}
<section class="verdict verdict-${view.verdict}" data-testid="verdict" data-verdict="${view.verdict}">
<h2>${e(verdict.title)}</h2>
<p>${e(verdict.summary)}</p>
${recallNote(view, lang)}${licenceRevokedNote(view, lang)}
</section>
${licenceSuspendedWarning(view, lang)}
${serialSection(view, lang)}
${view.batch ? body(view, lang) : ""}
${checksSection(view, lang)}
<footer><p>${e(ui("checkedAt", lang))}: ${e(formatTime(view.checkedAt, lang))}</p>
${view.links ? `<p><a href="${e(view.links.proofBundle)}" download>${e(ui("downloadBundle", lang))}</a> · <a href="${e(view.links.verify)}">JSON</a></p>` : ""}
</footer>`,
  });
}

function header(view: ConsumerView, lang: Lang): string {
  const batch = view.batch!;
  return `<header>
<h1 data-testid="product">${e(batch.product.name)}</h1>
<dl class="facts">
${fact(ui("brand", lang), batch.brand)}
${fact(ui("producer", lang), batch.producer.name)}
${fact(ui("lot", lang), batch.lot)}
${fact(ui("gtin", lang), batch.product.gtin)}
</dl>
</header>`;
}

function body(view: ConsumerView, lang: Lang): string {
  return [
    originSection(view, lang),
    brandSection(view, lang),
    journeySection(view, lang),
    certificationsSection(view, lang),
    proofSection(view, lang),
  ].join("\n");
}

function recallNote(view: ConsumerView, lang: Lang): string {
  const recalledInputs = view.inputs.filter((input) => input.recalled);
  if (view.verdict !== "recalled" || (view.batch?.status !== "recalled" && recalledInputs.length === 0))
    return "";
  const which = [
    ...(view.batch?.status === "recalled" ? [`${ui("lot", lang)} ${view.batch.lot}`] : []),
    ...recalledInputs.map((input) => `${ui("inputBatch", lang)}: ${input.label}`),
  ];
  return `<p class="recall"><strong>${e(ui("recalledBanner", lang))}:</strong> ${which.map(e).join("; ")}</p>`;
}

function serialSection(view: ConsumerView, lang: Lang): string {
  if (!view.serial) return "";
  const serial = view.serial;
  const warning = serial.suspectedCopy
    ? `<div class="copy-warning" data-testid="copy-warning"><strong>${e(ui("copyWarning", lang))}</strong><p>${e(ui("copyHint", lang))}</p></div>`
    : "";
  return `<section class="serial">${warning}<dl class="facts">
${fact(ui("serial", lang), serial.serial)}
${fact(ui("scans", lang), String(serial.scans))}
${fact(ui("devices", lang), String(serial.distinctClients))}
</dl></section>`;
}

function originSection(view: ConsumerView, lang: Lang): string {
  const origin = view.origin;
  if (!origin) return "";
  const province = provinceName(origin.regionCode ?? undefined, lang);
  const point =
    origin.location && origin.location !== HIDDEN ? (origin.location as { lat: number; lon: number }) : null;
  const coordinates =
    origin.location === HIDDEN
      ? `<span class="hidden">${e(ui("coordinatesPrivate", lang))}</span>`
      : point
        ? e(`${point.lat.toFixed(4)}°, ${point.lon.toFixed(4)}°`)
        : "—";
  return `<section data-testid="origin">
<h2>${e(ui("origin", lang))}</h2>
<dl class="facts">
${fact(ui("origin", lang), origin.place)}
${fact(ui("region", lang), [province, origin.regionCode].filter(Boolean).join(" · ") || null)}
${fact(ui("harvested", lang), origin.harvestedAt ? origin.harvestedAt.slice(0, 10) : null)}
<div><dt>${e(ui("coordinates", lang))}</dt><dd>${coordinates}</dd></div>
</dl>
${point ? originMapSvg(point, origin.place ?? province ?? "", ui("mapCaption", lang)) : ""}
</section>`;
}

function journeySection(view: ConsumerView, lang: Lang): string {
  const items = view.journey.map((entry) => journeyItem(entry, lang)).join("\n");
  return `<section><h2>${e(ui("journey", lang))}</h2><ol class="timeline" data-testid="journey">${items}</ol></section>`;
}

function journeyItem(entry: JourneyEntry, lang: Lang): string {
  const place = entry.location
    ? [entry.location.name, entry.location.regionCode]
        .map((part) => shown(part, lang))
        .filter(Boolean)
        .join(" · ")
    : "";
  const results = entry.results.length
    ? `<ul class="results">${entry.results
        .map(
          (result) =>
            `<li class="${result.pass === false ? "bad" : result.pass ? "good" : ""}">${e(result.name)}: ${shown(result.value, lang)}${
              result.unit ? ` ${e(result.unit)}` : ""
            }${result.pass === null ? "" : ` — ${e(result.pass ? ui("pass", lang) : ui("failResult", lang))}`}</li>`,
        )
        .join("")}</ul>`
    : "";
  const details = entry.details.length
    ? `<dl class="details">${entry.details.map((detail) => `<div><dt>${e(detail.key)}</dt><dd>${shown(detail.value, lang)}</dd></div>`).join("")}</dl>`
    : "";
  const disposition = entry.disposition
    ? `<span class="disposition">${e(entry.disposition.replaceAll("_", " "))}</span>`
    : "";
  return `<li class="event event-${e(entry.type)}${entry.disposition === "non_conformant" || entry.type === "recalling" ? " alert" : ""}" data-type="${e(entry.type)}">
<div class="when">${e(formatEventTime(entry.eventTime))}</div>
<div class="what"><strong>${e(journeyTitle(entry, lang))}</strong> ${disposition}${entry.anchored ? "" : ` <span class="pending-tag">${e(ui("pendingTag", lang))}</span>`}</div>
<div class="who">${e(entry.actor.name)}${place ? ` · ${place}` : ""}${entry.fromInput ? ` <span class="input-tag">${e(ui("inputBatch", lang))}: ${e(entry.batchLabel)}</span>` : ""}</div>
${results}${details}
</li>`;
}

function certificationsSection(view: ConsumerView, lang: Lang): string {
  const items = view.certifications
    .map(
      (cert) => `<li class="cert cert-${e(cert.status)}" data-status="${e(cert.status)}">
<strong>${e(lang === "zh" ? cert.schemeName.zh : cert.schemeName.en)}</strong> ${e(cert.certificateNumber)}
<span class="badge">${e(certStatusText(cert.status, lang))}</span>
<div class="muted">${e(ui("validUntil", lang))} ${e(cert.validUntil.slice(0, 10))}${cert.inherited ? ` · ${e(ui("inheritedCert", lang))}` : ""}${
        cert.withinCap ? "" : ` · ${e(ui("beyondCap", lang))}`
      }</div>
</li>`,
    )
    .join("\n");
  return `<section data-testid="certifications"><h2>${e(ui("certifications", lang))}</h2>${
    items ? `<ul class="certs">${items}</ul>` : `<p class="muted">${e(ui("noCertifications", lang))}</p>`
  }</section>`;
}

function proofSection(view: ConsumerView, lang: Lang): string {
  const proof = view.proof!;
  const anchors = proof.anchors
    .map(
      (anchor) => `<li><dl class="facts">
${fact(ui("anchoredAt", lang), anchor.anchoredAt ? formatTime(anchor.anchoredAt, lang) : null)}
${fact(ui("block", lang), String(anchor.blockNumber))}
<div><dt>${e(ui("transaction", lang))}</dt><dd class="hash">${e(anchor.txHash ?? "—")}</dd></div>
<div><dt>Merkle root</dt><dd class="hash">${e(anchor.root)}</dd></div>
</dl></li>`,
    )
    .join("\n");
  const pending = proof.pendingEvents
    ? `<p class="pending-note" data-testid="being-anchored">${e(ui("beingAnchored", lang))} (${proof.pendingEvents} ${e(ui("eventsWaiting", lang))})</p>`
    : "";
  return `<section data-testid="proof"><h2>${e(ui("proof", lang))}</h2>
<dl class="facts">
${fact(ui("chainId", lang), String(proof.chainId))}
<div><dt>${e(ui("contract", lang))}</dt><dd class="hash">${e(proof.registry)}</dd></div>
</dl>
${pending}${anchors ? `<ul class="anchors">${anchors}</ul>` : ""}
</section>`;
}

function checksSection(view: ConsumerView, lang: Lang): string {
  const items = view.checks
    .map(
      (
        check,
      ) => `<li class="check check-${check.status}" data-check="${e(check.name)}" data-status="${check.status}">
<span class="badge">${e(statusText(check.status, lang))}</span> <strong>${e(checkText(check.name, lang))}</strong>
<div class="muted">${e(check.detail)}</div></li>`,
    )
    .join("\n");
  return `<section data-testid="checks"><h2>${e(ui("howVerdict", lang))}</h2><ul class="checks">${items}</ul></section>`;
}

function shown(value: Shown<unknown> | null, lang: Lang): string {
  if (value === null || value === undefined) return "";
  if (value === HIDDEN || (typeof value === "object" && (value as { hidden?: unknown }).hidden === true)) {
    return `<span class="hidden" title="${e(ui("hiddenHint", lang))}">${e(ui("hiddenHint", lang))}</span>`;
  }
  return e(typeof value === "string" ? value : JSON.stringify(value));
}

/** Event times keep the offset they were recorded with (local time where it happened). */
function formatEventTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}
