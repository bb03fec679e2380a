import type { LabelItem } from "../labels";
import type { LabelContent } from "./labels-pdf";
import { provinceName } from "../../../platform/web/region-names";
import { divisionNames } from "../../../platform/web/division-names";
import { netContent, printedGtin } from "../domain/printed-label-text";

/** What a label prints of its batch. */
export interface PrintedBatch {
  product: { name?: string; gtin?: string };
  lot: string;
  /** Absent fields were not stated (a batch captured from CBV master data, decision 0031). */
  origin: { place?: string; regionCode?: string; country?: string; harvestedAt?: string };
  brand?: string;
}

/** What a label prints for a field the producer did not state (never an invented value). */
export const NOT_STATED = "未说明";

/**
 * The printed text of a batch's labels (Chinese): product, brand, lot, origin, harvest date, the
 * barcode number, each item's net content and the link to type when the code will not scan.
 * The brand is printed on item-serial labels only: those are counted against the licence quota
 * (label quota), while a batch-level sheet can be printed in any number.
 */
export function labelContents(batch: PrintedBatch, items: readonly LabelItem[]): LabelContent[] {
  const shared = {
    product: batch.product.name ?? NOT_STATED,
    lot: batch.lot,
    origin: printedOrigin(batch.origin),
    harvestedAt: batch.origin.harvestedAt?.slice(0, 10) ?? NOT_STATED,
    ...(batch.product.gtin ? { gtin: printedGtin(batch.product.gtin) } : {}),
  };
  return items.map((item) => ({
    ...shared,
    ...(batch.brand && item.serial ? { brand: batch.brand } : {}),
    link: item.link,
    fallbackUrl: item.link.replace(/^https?:\/\//, ""),
    ...(item.serial ? { serial: item.serial } : {}),
    ...(item.itemQuantity ? { netContent: netContent(item.itemQuantity) } : {}),
  }));
}

/**
 * The origin as a geographical-indication pack prints it: province, county and (when the code or
 * the place names it) township from the GB/T 2260 data, then the rest of the place, each level
 * once ("浙江省安吉县溪龙乡黄杜村 3号茶园" for 330523 and "溪龙乡黄杜村 3号茶园"). The city is left out:
 * province and county name the place, and the label has little room.
 */
function printedOrigin(origin: PrintedBatch["origin"]): string {
  const { place, regionCode, country } = origin;
  if (!regionCode) {
    const countryName = country
      ? new Intl.DisplayNames(["zh-CN"], { type: "region" }).of(country)
      : undefined;
    return place ?? countryName ?? NOT_STATED;
  }
  const { county, township } = divisionNames(regionCode, place ?? "");
  const levels = [provinceName(regionCode, "zh"), county, township].filter((name): name is string => !!name);
  let rest = place ?? "";
  for (const name of levels) if (rest.startsWith(name)) rest = rest.slice(name.length);
  return `${levels.join("")}${rest}`;
}
