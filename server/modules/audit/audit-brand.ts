import { BrandRepository } from "../brands";
import type { Finding } from "./domain/audit";
import {
  AuditReads,
  auditBatches,
  type AuditContext,
  type AuditOptions,
  type BatchAudit,
} from "./audit-batches";

/**
 * Audits a brand's licence register (decision 0010) exactly as a batch chain: every register
 * event's hash, its link and seq against its neighbours and the brand's head, its Merkle
 * inclusion and the anchored root on chain. Register bodies name the chain in `brandId`, so the
 * findings carry `brandId` (and no `batchId`). Null when there is no such brand.
 */
export async function auditBrandRegister(
  ctx: AuditContext,
  reads: AuditReads,
  brandId: string,
  options: AuditOptions,
): Promise<BatchAudit | null> {
  const brand = await new BrandRepository(ctx.connection).headOf(brandId);
  if (!brand) return null;
  const [audit] = await auditBatches(ctx, reads, [brand], { ...options, chain: "brand" });
  return { ...audit, findings: audit.findings.map(onRegister) };
}

function onRegister({ batchId, ...finding }: Finding): Finding {
  return { ...finding, batchId: null, ...(batchId ? { brandId: batchId } : {}) };
}
