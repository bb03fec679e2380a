import type { LabelItem } from "../labels";
import type { LabelContent } from "./labels-pdf";
import { provinceName } from "../../../platform/web/region-names";
import { netContent, printedGtin } from "../domain/printed-label-text";

/** What a label prints of its batch. */
export interface PrintedBatch {
  product: { name?: string; gtin?: string };
  lot: string;
  /** Absent fields were not stated (a batch captured from CBV master data, decision 0031). */
  origin: { place?: string; regionCode?: string; country?: string; harvestedAt?: string };
  brand?: string;
}

/**
 * The printed text of a batch's labels (Chinese): product, brand, lot, origin, harvest date, the
 * barcode number, each item's net content and the link to type when the code will not scan.
 * The brand is printed on item-serial labels only: those are counted against the licence quota
 * (label quota), while a batch-level sheet can be printed in any number.
 */
/** What a label prints for a field the producer did not state (never an invented value). */
export const NOT_STATED = "未说明";

export function labelContents(batch: PrintedBatch, items: readonly LabelItem[]): LabelContent[] {
  const { place, regionCode, country, harvestedAt } = batch.origin;
  const province = regionCode ? provinceName(regionCode, "zh") : undefined;
  const stated =
    place ?? (country ? new Intl.DisplayNames(["zh-CN"], { type: "region" }).of(country) : undefined);
  const origin = !stated
    ? (province ?? NOT_STATED)
    : province && !stated.startsWith(province)
      ? `${province} ${stated}`
      : stated;
  const shared = {
    product: batch.product.name ?? NOT_STATED,
    lot: batch.lot,
    origin,
    harvestedAt: harvestedAt?.slice(0, 10) ?? NOT_STATED,
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
