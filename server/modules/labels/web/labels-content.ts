import type { LabelItem } from "../labels";
import type { LabelContent } from "./labels-pdf";
import { provinceName } from "../../../platform/web/region-names";
import { netContent, printedGtin } from "../domain/printed-label-text";

/** What a label prints of its batch. */
export interface PrintedBatch {
  product: { name: string; gtin?: string };
  lot: string;
  origin: { place: string; regionCode: string; harvestedAt: string };
  brand?: string;
}

/**
 * The printed text of a batch's labels (Chinese): product, brand, lot, origin, harvest date, the
 * barcode number, each item's net content and the link to type when the code will not scan.
 * The brand is printed on item-serial labels only: those are counted against the licence quota
 * (label quota), while a batch-level sheet can be printed in any number.
 */
export function labelContents(batch: PrintedBatch, items: readonly LabelItem[]): LabelContent[] {
  const province = provinceName(batch.origin.regionCode, "zh");
  const origin =
    province && !batch.origin.place.startsWith(province)
      ? `${province} ${batch.origin.place}`
      : batch.origin.place;
  const shared = {
    product: batch.product.name,
    lot: batch.lot,
    origin,
    harvestedAt: batch.origin.harvestedAt.slice(0, 10),
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
