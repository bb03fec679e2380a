import { createHash } from "node:crypto";
import { Types } from "mongoose";
import { ScanRepository } from "./data/scan.repository";
import type { SerialDoc } from "./data/serial.model";
import { SerialRepository } from "./data/serial.repository";
import { assessSerialScans } from "./domain/verdict-scans";
import type { UseCaseContext } from "../ledger";

/** How many recent scans are looked at to count distinct devices. */
const DISTINCT_WINDOW = 1_000;

export interface SerialScanReport {
  serial: string;
  scans: number;
  distinctClients: number;
  firstScanAt: string | null;
  suspectedCopy: boolean;
  reason: string | null;
}

/** A device pseudonym: neither the address nor the user agent is stored. */
export function clientPseudonym(address: string, userAgent: string): string {
  return createHash("sha256").update(`ecotrace-scan\0${address}\0${userAgent}`).digest("hex").slice(0, 16);
}

/**
 * Logs one scan of a serial and says whether the label looks copied (scanned far more often, or
 * from more devices, than one genuine item is). The counter is one atomic increment.
 */
export async function recordScan(
  ctx: UseCaseContext,
  serial: SerialDoc,
  client: string,
): Promise<SerialScanReport> {
  const now = ctx.now();
  await new ScanRepository(ctx.connection).insert({
    _id: new Types.ObjectId(),
    serialId: serial._id,
    batchId: serial.batchId,
    at: now,
    client,
  });
  const updated = await new SerialRepository(ctx.connection).countScan(serial._id, now);
  const recent = await new ScanRepository(ctx.connection).recentClients(serial._id, DISTINCT_WINDOW);
  const scans = updated?.scans ?? serial.scans + 1;
  const distinctClients = new Set(recent).size;
  const firstScanAt = updated?.firstScanAt ?? now;
  return {
    serial: serial.serial,
    scans,
    distinctClients,
    firstScanAt: new Date(firstScanAt).toISOString(),
    ...assessSerialScans({ scans, distinctClients }),
  };
}
