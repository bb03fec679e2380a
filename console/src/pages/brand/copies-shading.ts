/** One region of GET /api/brands/:id/suspected-copies/regions. */
export interface RegionCount {
  /** GB/T 2260 code; its first two digits name the province. */
  code: string;
  name: string;
  nameEn: string;
  serials: number;
  scans: number;
}

/** Light to dark red: more scans of suspected copies, darker. Five steps read better than a gradient. */
export const SHADES = ["#fde0dd", "#fcbba1", "#fc9272", "#ef3b2c", "#a50f15"];
export const NO_SCANS = "#eef2ee";

/** Scans per province (two-digit code), whatever level the regions are given at. */
export function scansByProvince(
  regions: readonly Pick<RegionCount, "code" | "scans">[],
): Map<string, number> {
  const totals = new Map<string, number>();
  for (const region of regions) {
    const province = region.code.slice(0, 2);
    totals.set(province, (totals.get(province) ?? 0) + region.scans);
  }
  return totals;
}

/** The shade of a province with `scans` when the busiest has `most`: the top fifth gets the darkest. */
export function shadeOf(scans: number, most: number): string {
  if (scans <= 0 || most <= 0) return NO_SCANS;
  return SHADES[Math.min(SHADES.length - 1, Math.floor((scans / most) * SHADES.length))];
}
