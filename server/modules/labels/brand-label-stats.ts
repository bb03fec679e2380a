import type { Types } from "mongoose";
import { SerialRepository } from "./data/serial.repository";
import { UnknownScanRepository } from "./data/unknown-scan.repository";
import type { UseCaseContext } from "../ledger";

/** What the brand page says about a brand's item labels and the shoppers who scanned them. */
export interface BrandLabelStats {
  /** Item serials issued for the brand's batches. */
  issued: number;
  /** Serials scanned at least once. */
  scanned: number;
  /** Scans of those serials (device-days). */
  scans: number;
  /** Device-days on which never-issued serials under the brand's batches were scanned. */
  unknownScans: number;
}

/** Label and scan counts over the brand's batches: one aggregation per collection. */
export async function brandLabelStats(
  ctx: UseCaseContext,
  brandId: Types.ObjectId,
  batchIds: Types.ObjectId[],
): Promise<BrandLabelStats> {
  const [serials, unknownScans] = await Promise.all([
    new SerialRepository(ctx.connection).scanTotals(batchIds),
    new UnknownScanRepository(ctx.connection).countOfBrand(brandId),
  ]);
  return { ...serials, unknownScans };
}
