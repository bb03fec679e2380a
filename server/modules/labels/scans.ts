import { createHash } from "node:crypto";
import { Types } from "mongoose";
import { scanModel, type ScanDoc } from "./data/scan.model";
import { serialModel, type SerialDoc } from "./data/serial.model";
import { assessSerialScans } from "./domain/verdict-scans";
import type { UseCaseContext } from "../ledger/append-event";

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
  await scanModel(ctx.connection).collection.insertOne({
    _id: new Types.ObjectId(),
    serialId: serial._id,
    batchId: serial.batchId,
    at: now,
    client,
  } satisfies ScanDoc);
  const serials = serialModel(ctx.connection).collection;
  const updated = (await serials.findOneAndUpdate(
    { _id: serial._id },
    { $inc: { scans: 1 }, $set: { lastScanAt: now } },
    { returnDocument: "after" },
  )) as SerialDoc | null;
  await serials.updateOne({ _id: serial._id, firstScanAt: null }, { $set: { firstScanAt: now } });
  const recent = (await scanModel(ctx.connection)
    .collection.find({ serialId: serial._id }, { projection: { client: 1 } })
    .sort({ _id: -1 })
    .limit(DISTINCT_WINDOW)
    .toArray()) as unknown as Pick<ScanDoc, "client">[];
  const scans = updated?.scans ?? serial.scans + 1;
  const distinctClients = new Set(recent.map((scan) => scan.client)).size;
  const firstScanAt = updated?.firstScanAt ?? now;
  return {
    serial: serial.serial,
    scans,
    distinctClients,
    firstScanAt: new Date(firstScanAt).toISOString(),
    ...assessSerialScans({ scans, distinctClients }),
  };
}
