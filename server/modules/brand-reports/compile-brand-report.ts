import { Types } from "mongoose";
import { type BatchDoc, BatchRepository } from "../batches";
import { organizationNames } from "../organizations";
import {
  ScanRepository,
  SerialRepository,
  fakeReportsOf,
  suspectedCopySerials,
  unknownScansOfBrand,
} from "../labels";
import { isSuspectedCopy } from "../verification";
import { type TraceEventDoc, TraceEventRepository, type UseCaseContext } from "../ledger";
import { TransferRepository } from "../custody";
import type { ReportBatch } from "./domain/brand-families";
import { buildBrandReport } from "./domain/brand-report";
import {
  type LateScans,
  type MovementEvent,
  type ReportLicence,
  type ReportTransfer,
} from "./domain/brand-report-facts";
import { ForbiddenError } from "../../platform/errors";
import { brandEvents, findBrand, listLicences, mayOverseeBrand } from "../brands";

const MOVEMENTS = ["shipping", "receiving", "selling"] as const;

type Actor = { orgId: string; roles: readonly string[] };

/**
 * The brand report (issue 7) for the brand's owner, auditors and admins: reads the brand's
 * licences, batches, labels, transfers, movements and scans, and lets the pure
 * `buildBrandReport` compare them. `batches: true` lists each licence's batches.
 */
export async function brandReport(
  ctx: UseCaseContext,
  actor: Actor,
  brandId: string,
  options: { batches: boolean },
) {
  const brand = await findBrand(ctx, brandId);
  if (!mayOverseeBrand(actor, brand)) {
    throw new ForbiddenError(
      `only the owner of brand ${brand.name.zh}, auditors and admins can read its report`,
    );
  }
  return compileBrandReport(ctx, brand, options);
}

/** The report of a brand the caller was already allowed to see (by role or by a signed link). */
export async function compileBrandReport(
  ctx: UseCaseContext,
  brand: Awaited<ReturnType<typeof findBrand>>,
  options: { batches: boolean },
) {
  const licenceDocs = await listLicences(ctx, { brandId: brand._id });
  const batchDocs = await new BatchRepository(ctx.connection).carrying(brand._id);
  const ids = batchDocs.map((batch) => batch._id);
  const licences = await reportLicences(ctx, licenceDocs);
  const batches = batchDocs.map(toReportBatch);
  const gtins = [...new Set(batchDocs.flatMap((batch) => (batch.product.gtin ? [batch.product.gtin] : [])))];
  const report = buildBrandReport({
    licences,
    batches,
    labels: await labelGroups(ctx, ids),
    transfers: await transfersOf(ctx, ids),
    movements: await movementsOf(ctx, ids),
    lateScans: await lateScansOf(ctx, licences, batches),
    unknownScans: await unknownScansOfBrand(ctx, brand._id, gtins),
    copiedSerials: await suspectedCopySerials(ctx, ids, (summary) => isSuspectedCopy(summary)),
    fakeReports: await fakeReportsOf(ctx, ids),
    registerEvents: (await brandEvents(ctx, brand._id)).map((event) => ({
      id: event._id.toHexString(),
      type: event.type,
      licenceId: licenceIdOf(event),
    })),
  });
  return {
    brand: { id: brand._id.toHexString(), name: brand.name, ownerId: brand.ownerId.toHexString() },
    generatedAt: ctx.now().toISOString(),
    licences: report.licences.map(({ batches: rows, ...licence }) =>
      options.batches ? { ...licence, batches: rows } : licence,
    ),
    anomalies: report.anomalies,
    countsByKind: report.countsByKind,
  };
}

async function reportLicences(
  ctx: UseCaseContext,
  docs: Awaited<ReturnType<typeof listLicences>>,
): Promise<ReportLicence[]> {
  const producerIds = [...new Set(docs.map((doc) => doc.producerId.toHexString()))];
  const names = await organizationNames(ctx.connection, producerIds);
  return docs.map((doc) => ({
    id: doc._id.toHexString(),
    producerId: doc.producerId.toHexString(),
    producerName: names.get(doc.producerId.toHexString()) ?? null,
    category: doc.category,
    period: doc.period,
    status: doc.status,
    statusChangedAt: new Date(doc.statusChangedAt),
    statusEventId: doc.statusEventId ? doc.statusEventId.toHexString() : null,
    quota: doc.quota,
    used: doc.used,
    remaining: doc.remaining,
  }));
}

function toReportBatch(batch: BatchDoc): ReportBatch {
  return {
    id: batch._id.toHexString(),
    lot: batch.lot,
    gtin: batch.product.gtin ?? null,
    producerId: batch.producerId.toHexString(),
    holderId: batch.holderId.toHexString(),
    licenceId: batch.licenceId ? batch.licenceId.toHexString() : null,
    quantity: batch.quantity,
    available: batch.available,
    inputs: (batch.inputs ?? []).map((input) => ({ batchId: input.batchId.toHexString(), kind: input.kind })),
  };
}

/** Serials per batch and stated item quantity (one group per distinct item quantity). */
async function labelGroups(ctx: UseCaseContext, ids: Types.ObjectId[]) {
  const rows = await new SerialRepository(ctx.connection).countsByItemQuantity(ids);
  return rows.map((row) => ({
    batchId: String(row._id.batchId),
    itemValue: typeof row._id.value === "number" ? row._id.value : null,
    count: row.count,
  }));
}

async function transfersOf(ctx: UseCaseContext, ids: Types.ObjectId[]): Promise<ReportTransfer[]> {
  const docs = await new TransferRepository(ctx.connection).ofBatches(ids);
  return docs.map((doc) => ({
    batchId: doc.batchId.toHexString(),
    fromId: doc.fromId.toHexString(),
    quantity: doc.quantity,
    status: doc.status,
  }));
}

async function movementsOf(ctx: UseCaseContext, ids: Types.ObjectId[]): Promise<MovementEvent[]> {
  const docs = await new TraceEventRepository(ctx.connection).movementsOf(ids, MOVEMENTS);
  return docs.map((doc) => ({
    id: doc._id.toHexString(),
    batchId: String(doc.batchId),
    type: doc.type as MovementEvent["type"],
    actorId: String(doc.actorId),
    eventTime: new Date(doc.eventTime),
    quantity: plainQuantity((doc.body?.data as Record<string, unknown> | undefined)?.quantity),
  }));
}

/** Scans of issued serials of batches under a non-active licence, after its status change. */
async function lateScansOf(
  ctx: UseCaseContext,
  licences: ReportLicence[],
  batches: ReportBatch[],
): Promise<LateScans[]> {
  const late: LateScans[] = [];
  for (const licence of licences.filter((item) => item.status !== "active")) {
    const ids = batches
      .filter((batch) => batch.licenceId === licence.id)
      .map((batch) => new Types.ObjectId(batch.id));
    if (ids.length === 0) continue;
    const rows = await new ScanRepository(ctx.connection).perBatchSince(ids, licence.statusChangedAt);
    for (const row of rows) {
      late.push({
        batchId: String(row._id),
        scans: row.scans,
        firstAt: new Date(row.firstAt),
        lastAt: new Date(row.lastAt),
      });
    }
  }
  return late;
}

/** A `{ value, unit }` stated in plain view (a sealed field is a commitment, not a quantity). */
function plainQuantity(value: unknown): { value: number; unit: string } | null {
  if (typeof value !== "object" || value === null) return null;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.value === "number" && typeof candidate.unit === "string"
    ? { value: candidate.value, unit: candidate.unit }
    : null;
}

function licenceIdOf(event: TraceEventDoc): string | null {
  const data = (event.body as { data?: { licenceId?: unknown } }).data;
  return typeof data?.licenceId === "string" ? data.licenceId : null;
}
