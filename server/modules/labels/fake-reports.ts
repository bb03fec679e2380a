import { Types } from "mongoose";
import type { SerialDoc } from "./data/serial.model";
import { FakeReportRepository } from "./data/fake-report.repository";
import type { FakeReportReason } from "./data/fake-report.model";
import type { UseCaseContext } from "../ledger";

/** Records a shopper's "this looks fake" for the item in hand (once per device); true when new. */
export async function reportFake(
  ctx: UseCaseContext,
  serial: SerialDoc,
  client: string,
  reason: FakeReportReason,
): Promise<boolean> {
  return new FakeReportRepository(ctx.connection).insertOncePerDevice({
    _id: new Types.ObjectId(),
    serialId: serial._id,
    batchId: serial.batchId,
    client,
    reason,
    at: ctx.now(),
  });
}

/** Fake reports per batch, for the brand report. */
export async function fakeReportsOf(
  ctx: UseCaseContext,
  batchIds: Types.ObjectId[],
): Promise<{ batchId: string; reports: number; serials: number }[]> {
  const rows = await new FakeReportRepository(ctx.connection).perBatch(batchIds);
  return rows.map((row) => ({
    batchId: row._id.toHexString(),
    reports: row.reports,
    serials: row.serials.length,
  }));
}
