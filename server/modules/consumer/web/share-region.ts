import type { ConsumerView } from "../consumer-view";
import { escapeHtml as e } from "../../../platform/web/html";
import { provinceRegions } from "../../../platform/web/region-names";
import { ui, type Lang } from "./i18n";

/**
 * On an item's page: "share my approximate location" (the browser's Geolocation API, asked only
 * when the shopper clicks; the script rounds the coordinates to 0.01° and posts them once; the
 * server keeps the province) and, without script or instead, a province to pick (a plain form).
 * Both post to `{item link}/scan-region`; the brand sees where suspected copies are scanned.
 */
export function shareRegionSection(view: ConsumerView, lang: Lang): string {
  if (!view.serial || !view.batch) return "";
  const action = `${new URL(view.batch.digitalLink).pathname}/21/${encodeURIComponent(view.serial.serial)}/scan-region`;
  const options = provinceRegions()
    .map(
      (region) => `<option value="${region.code}">${e(lang === "zh" ? region.name : region.nameEn)}</option>`,
    )
    .join("");
  const messages = {
    "data-lang": lang,
    "data-action": action,
    "data-locating": ui("locating", lang),
    "data-done": ui("regionShared", lang),
    "data-already": ui("regionAlreadyShared", lang),
    "data-failed": ui("regionFailed", lang),
  };
  const attributes = Object.entries(messages)
    .map(([name, value]) => `${name}="${e(value)}"`)
    .join(" ");
  return `<section class="share-region" data-testid="share-region" ${attributes}>
<button type="button" data-testid="share-location" hidden>${e(ui("shareRegion", lang))}</button>
<output data-testid="share-outcome" aria-live="polite"></output>
<p class="muted">${e(ui("shareRegionNote", lang))}</p>
<form method="post" action="${e(action)}" data-testid="pick-region">
<input type="hidden" name="lang" value="${lang}">
<label>${e(ui("pickRegion", lang))} <select name="regionCode">${options}</select></label>
<button type="submit">${e(ui("pickRegionButton", lang))}</button></form>
</section>`;
}

/**
 * The page's one script (allowed by its CSP nonce): reveals the button; on a click asks the
 * browser for a coarse position, rounds it to 0.01° (about 1 km) and posts it once as JSON.
 */
export const SHARE_REGION_SCRIPT = `(function () {
  var section = document.querySelector('[data-testid="share-region"]');
  if (!section || !navigator.geolocation || !window.fetch) return;
  var button = section.querySelector('[data-testid="share-location"]');
  var output = section.querySelector('[data-testid="share-outcome"]');
  var say = function (text) { output.textContent = text; };
  var round = function (degrees) { return Math.round(degrees * 100) / 100; };
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    say(section.dataset.locating);
    navigator.geolocation.getCurrentPosition(function (position) {
      fetch(section.dataset.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ lat: round(position.coords.latitude), lon: round(position.coords.longitude) })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) say(section.dataset.done + (section.dataset.lang === "zh" ? body.region.name : body.region.nameEn));
          else say(response.status === 409 ? section.dataset.already : section.dataset.failed);
        });
      }).catch(function () { say(section.dataset.failed); });
    }, function () {
      button.disabled = false;
      say(section.dataset.failed);
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
})();`;
