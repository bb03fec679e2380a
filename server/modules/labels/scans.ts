import { createHash } from "node:crypto";
import { Types } from "mongoose";
import { ScanRepository } from "./data/scan.repository";
import type { SerialDoc } from "./data/serial.model";
import { SerialRepository } from "./data/serial.repository";
import type { UseCaseContext } from "../ledger";

/** How many recent device-days are looked at to count distinct devices. */
const DISTINCT_WINDOW = 1_000;

/** What the scan log says about one serial (the verification's `ScanEvidence`). */
export interface SerialScanReport {
  serial: string;
  /** Device-days on which it was scanned: one device counts once per day. */
  scans: number;
  distinctClients: number;
  firstScanAt: string | null;
  /** The GB/T 2260 region the first scan's shopper shared (null: not shared). */
  firstScanRegion: string | null;
}

/**
 * A device pseudonym derived from address and user agent (neither is stored). The consumer page
 * keeps it in a first-party cookie, so a device stays one device when its address changes.
 */
export function clientPseudonym(address: string, userAgent: string): string {
  return createHash("sha256").update(`ecotrace-scan\0${address}\0${userAgent}`).digest("hex").slice(0, 16);
}

/** The UTC day of `at` (YYYY-MM-DD): scans are counted once per device and day. */
export function scanDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Logs one scan of a serial by `client`, counted only the first time that device scans it on a
 * given day (a reload, a second visit the same day add nothing); returns the serial's scan log.
 * The log entry is one upsert keyed by serial, device and day; the counter one atomic increment.
 */
export async function recordScan(
  ctx: UseCaseContext,
  serial: SerialDoc,
  client: string,
): Promise<SerialScanReport> {
  const now = ctx.now();
  const fresh = await new ScanRepository(ctx.connection).insertOncePerDay({
    _id: new Types.ObjectId(),
    serialId: serial._id,
    batchId: serial.batchId,
    at: now,
    day: scanDay(now),
    client,
  });
  const updated = fresh ? await new SerialRepository(ctx.connection).countScan(serial._id, now) : serial;
  return scanReport(ctx, updated ?? serial);
}

/** The scan log of a serial without counting a scan (JSON requests, the page's own links). */
export async function scanReport(ctx: UseCaseContext, serial: SerialDoc): Promise<SerialScanReport> {
  const scans = new ScanRepository(ctx.connection);
  const recent = await scans.recentClients(serial._id, DISTINCT_WINDOW);
  return {
    serial: serial.serial,
    scans: serial.scans,
    distinctClients: new Set(recent).size,
    firstScanAt: serial.firstScanAt ? new Date(serial.firstScanAt).toISOString() : null,
    firstScanRegion: serial.scans > 0 ? await scans.firstScanRegion(serial._id) : null,
  };
}

/**
 * Keeps the region a shopper shared for today's scan of the serial by `client`: once per device,
 * serial and day, and only for a device that scanned it today. Only the region code is stored.
 */
export async function recordScanRegion(
  ctx: UseCaseContext,
  serial: SerialDoc,
  client: string,
  regionCode: string,
): Promise<"set" | "already-set" | "no-scan"> {
  return new ScanRepository(ctx.connection).setRegionOnce(
    { serialId: serial._id, client, day: scanDay(ctx.now()) },
    regionCode,
  );
}
