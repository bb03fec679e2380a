/**
 * Text a Chinese pack prints, from the batch's data: the barcode number a shopper compares with
 * the EAN-13 under the bars, and the net content in Chinese units.
 */

/** The GTIN as printed on a pack: 13 digits where the GTIN-14 starts with 0 (EAN-13), else 14. */
export function printedGtin(gtin: string): string {
  const gtin14 = gtin.padStart(14, "0");
  return gtin14.startsWith("0") ? gtin14.slice(1) : gtin14;
}

/** UN/CEFACT Rec 20 codes used by producers here, as the net-content line names them. */
const UNITS: Record<string, string> = {
  KGM: "千克",
  GRM: "克",
  LTR: "升",
  MLT: "毫升",
  H87: "件",
  TNE: "吨",
};

/**
 * "250 克" for 0.25 KGM, "1.5 千克" for 1.5 KGM, "500 毫升" for 0.5 LTR: below one kilogram or
 * litre the smaller unit is what packs print (GB 7718 net content). Unknown codes stay as sent.
 */
export function netContent(quantity: { value: number; unit: string }): string {
  const { value, unit } = quantity;
  if (value < 1 && (unit === "KGM" || unit === "LTR")) {
    return `${round(value * 1000)} ${unit === "KGM" ? "克" : "毫升"}`;
  }
  return `${round(value)} ${UNITS[unit] ?? unit}`;
}

/** Rounds away binary noise (0.1 + 0.2) without printing trailing zeros. */
function round(value: number): string {
  return String(Number(value.toFixed(3)));
}
