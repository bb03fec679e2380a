import { escapeHtml } from "../../../platform/web/html";

/**
 * A self-contained inline SVG sketch of where a batch comes from: a latitude/longitude grid
 * (equirectangular) over China's extent (73°E-135°E, 18°N-54°N, or the whole world for points
 * outside it) with a marker at the coordinates and the place name. It is not a map: no coastlines,
 * borders or tiles (those would be heavy or need the internet), and the page says so.
 */
const CHINA = { west: 73, east: 135, south: 18, north: 54, step: 5 };
const WORLD = { west: -180, east: 180, south: -90, north: 90, step: 30 };
const WIDTH = 320;

export function originMapSvg(
  point: { lat: number; lon: number } | null,
  label: string,
  caption: string,
): string {
  const inChina =
    !point ||
    (point.lon >= CHINA.west &&
      point.lon <= CHINA.east &&
      point.lat >= CHINA.south &&
      point.lat <= CHINA.north);
  const box = inChina ? CHINA : WORLD;
  const scale = WIDTH / (box.east - box.west);
  const height = Math.round((box.north - box.south) * scale);
  const x = (lon: number) => round((lon - box.west) * scale);
  const y = (lat: number) => round((box.north - lat) * scale);
  const lines: string[] = [];
  for (let lon = Math.ceil(box.west / box.step) * box.step; lon <= box.east; lon += box.step) {
    lines.push(`<line x1="${x(lon)}" y1="0" x2="${x(lon)}" y2="${height}"/>`);
    if (lon % (box.step * 2) === 0)
      lines.push(`<text x="${x(lon) + 2}" y="${height - 3}">${degrees(lon, "E", "W")}</text>`);
  }
  for (let lat = Math.ceil(box.south / box.step) * box.step; lat <= box.north; lat += box.step) {
    lines.push(`<line x1="0" y1="${y(lat)}" x2="${WIDTH}" y2="${y(lat)}"/>`);
    if (lat % (box.step * 2) === 0)
      lines.push(`<text x="2" y="${y(lat) - 2}">${degrees(lat, "N", "S")}</text>`);
  }
  // The label goes on the side of the marker with more room.
  const leftSide = point !== null && x(point.lon) > WIDTH * 0.55;
  const marker = point
    ? `<circle class="pin" cx="${x(point.lon)}" cy="${y(point.lat)}" r="6"/>` +
      `<circle class="pin-dot" cx="${x(point.lon)}" cy="${y(point.lat)}" r="2"/>` +
      `<text class="pin-label" x="${x(point.lon) + (leftSide ? -9 : 9)}" y="${Math.max(y(point.lat) - 8, 12)}"${
        leftSide ? ' text-anchor="end"' : ""
      }>${escapeHtml(label)}</text>`
    : "";
  return (
    `<figure class="map"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(label)}">` +
    `<rect width="${WIDTH}" height="${height}" class="sea"/><g class="grid">${lines.join("")}</g>${marker}</svg>` +
    `<figcaption>${escapeHtml(caption)}</figcaption></figure>`
  );
}

function degrees(value: number, positive: string, negative: string): string {
  return value === 0 ? "0°" : `${Math.abs(value)}°${value > 0 ? positive : negative}`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
