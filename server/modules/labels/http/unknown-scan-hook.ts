import type { Request } from "express";
import type { DigitalLinkKey } from "../../batches";
import { logUnknownSerialScan, type UnknownSerialScan } from "../unknown-scans";
import type { HttpDeps } from "../../http-deps";

/**
 * Called by the consumer route when a link's serial matches no issued serial (or its GTIN and lot
 * match no batch): logs the scan for the brand report (links with a serial only; `client` is the
 * scanning device). Never fails the page: a logging error is logged and swallowed.
 */
export async function noteUnknownSerialScan(
  deps: HttpDeps,
  req: Request,
  key: DigitalLinkKey,
  batch: UnknownSerialScan["batch"],
  client: string,
): Promise<void> {
  if (key.serial === undefined) return;
  try {
    await logUnknownSerialScan(deps.useCaseContext, { key: { ...key, serial: key.serial }, batch, client });
  } catch (error) {
    (req.log ?? deps.logger).warn({ err: error, gtin: key.gtin, lot: key.lot }, "unknown scan not logged");
  }
}
