import type { LabelItem } from "../labels";
import type { LabelContent } from "./labels-pdf";
import { provinceName } from "../../../platform/web/region-names";

/** What a label prints of its batch. */
interface PrintedBatch {
  product: { name: string };
  lot: string;
  origin: { place: string; regionCode: string; harvestedAt: string };
  brand?: string;
}

/**
 * The printed text of a batch's labels (Chinese): product, brand, lot, origin and harvest date.
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
  };
  return items.map((item) => ({
    ...shared,
    ...(batch.brand && item.serial ? { brand: batch.brand } : {}),
    link: item.link,
    ...(item.serial ? { serial: item.serial } : {}),
  }));
}
