import type { Types } from "mongoose";
import { ScanRepository } from "./data/scan.repository";
import { SerialRepository } from "./data/serial.repository";
import type { UseCaseContext } from "../ledger";

/** The scan log of one serial as the brand report reads it. */
export interface SerialScanSummary {
  serialId: string;
  serial: string;
  batchId: string;
  /** Device-days. */
  scans: number;
  devices: number;
  firstAt: Date;
  /** The GB/T 2260 region its first scan's shopper shared, if any. */
  firstRegion: string | null;
}

/** The serials of these batches that passed `isSuspect` (the verdict's copy thresholds). */
export async function suspectedCopySerials(
  ctx: UseCaseContext,
  batchIds: Types.ObjectId[],
  isSuspect: (summary: { scans: number; distinctClients: number }) => boolean,
): Promise<SerialScanSummary[]> {
  const rows = (await new ScanRepository(ctx.connection).perSerialOf(batchIds)).filter((row) =>
    isSuspect({ scans: row.scans, distinctClients: row.clients.length }),
  );
  if (rows.length === 0) return [];
  const serials = await new SerialRepository(ctx.connection).serialStrings(rows.map((row) => row._id));
  return rows.map((row) => ({
    serialId: row._id.toHexString(),
    serial: serials.get(row._id.toHexString()) ?? row._id.toHexString(),
    batchId: row.batchId.toHexString(),
    scans: row.scans,
    devices: row.clients.length,
    firstAt: new Date(row.firstAt),
    firstRegion: row.firstRegion ?? null,
  }));
}

/**
 * Per province (2-digit GB/T 2260 code), the serials among `serialIds` scanned there and their
 * located scans (device-days whose shopper shared a region; the others are not placed anywhere).
 */
export async function scanRegionCounts(
  ctx: UseCaseContext,
  serialIds: Types.ObjectId[],
): Promise<{ province: string; serials: number; scans: number }[]> {
  if (serialIds.length === 0) return [];
  const byProvince = new Map<string, { serials: Set<string>; scans: number }>();
  for (const scan of await new ScanRepository(ctx.connection).regionsOf(serialIds)) {
    const province = scan.regionCode.slice(0, 2);
    const entry = byProvince.get(province) ?? { serials: new Set<string>(), scans: 0 };
    entry.serials.add(scan.serialId.toHexString());
    entry.scans += 1;
    byProvince.set(province, entry);
  }
  return [...byProvince]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([province, entry]) => ({ province, serials: entry.serials.size, scans: entry.scans }));
}
