/** First two digits of GB/T 2260 administrative division codes (provinces, regions, SARs). */
const PROVINCE_PREFIXES = new Set([
  ...["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"],
  ...["41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"],
  ...["71", "81", "82"],
]);

/** Null for a plausible six-digit GB/T 2260 code; otherwise what is wrong. */
export function regionCodeProblem(code: string): string | null {
  if (!/^\d{6}$/.test(code)) return "must be a six-digit GB/T 2260 administrative division code";
  if (!PROVINCE_PREFIXES.has(code.slice(0, 2)))
    return `does not start with a GB/T 2260 province code (${code.slice(0, 2)})`;
  return null;
}
