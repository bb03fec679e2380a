import type { Types } from "mongoose";
import { ScanRepository } from "./data/scan.repository";
import { SerialRepository } from "./data/serial.repository";
import type { UseCaseContext } from "../ledger";

/** The scan log of one serial as the brand report reads it. */
export interface SerialScanSummary {
  serial: string;
  batchId: string;
  /** Device-days. */
  scans: number;
  devices: number;
  firstAt: Date;
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
    serial: serials.get(row._id.toHexString()) ?? row._id.toHexString(),
    batchId: row.batchId.toHexString(),
    scans: row.scans,
    devices: row.clients.length,
    firstAt: new Date(row.firstAt),
  }));
}
