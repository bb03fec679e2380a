import { Types } from "mongoose";
import type { BatchDoc, DigitalLinkKey } from "../batches";
import { UnknownScanRepository } from "./data/unknown-scan.repository";
import type { UnknownScanGroup } from "./domain/unknown-scan-group";
import type { UseCaseContext } from "../ledger";
import { scanDay } from "./scans";

/** A scan of a serial nobody issued, as the consumer route saw it. */
export interface UnknownSerialScan {
  key: DigitalLinkKey & { serial: string };
  /** The batch the link's GTIN and lot name, when exactly one does. */
  batch: Pick<BatchDoc, "_id" | "brandId"> | null;
  client: string;
}

/**
 * Counts a scan of an unknown serial, so the brand report can count copied or invented labels: one
 * document per GTIN, lot, device and day, however many requests (storage stays bounded).
 */
export async function logUnknownSerialScan(ctx: UseCaseContext, scan: UnknownSerialScan): Promise<void> {
  const now = ctx.now();
  await new UnknownScanRepository(ctx.connection).countScan({
    _id: new Types.ObjectId(),
    gtin: scan.key.gtin,
    lot: scan.key.lot ?? null,
    serial: scan.key.serial,
    batchId: scan.batch?._id ?? null,
    brandId: scan.batch?.brandId ?? null,
    at: now,
    day: scanDay(now),
    client: scan.client,
  });
}

/**
 * Unknown-serial scans that concern a brand, counted per GTIN and lot: those of a link naming one of its batches, and those
 * whose GTIN is a GTIN of its batches but whose lot names no single batch (an invented lot).
 */
export async function unknownScansOfBrand(
  ctx: UseCaseContext,
  brandId: Types.ObjectId,
  gtins: readonly string[],
): Promise<UnknownScanGroup[]> {
  const rows = await new UnknownScanRepository(ctx.connection).groupsOf(brandId, gtins);
  return rows.map((row) => ({
    gtin: row._id.gtin,
    lot: row._id.lot ?? null,
    batchId: row.batchIds.map((id) => (id ? String(id) : null)).find((id) => id !== null) ?? null,
    scans: row.scans,
    requests: row.requests,
    serials: row.serials.length,
    clients: row.clients.length,
    firstAt: new Date(row.firstAt),
    lastAt: new Date(row.lastAt),
  }));
}
