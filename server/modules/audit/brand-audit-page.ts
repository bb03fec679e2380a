import { compileBrandReport } from "../brand-reports";
import { findBrand } from "../brands";
import type { UseCaseContext } from "../ledger";
import { AuditRunRepository } from "./data/audit-run.repository";
import type { AuditRunDoc } from "./data/audit-run.model";

/** What the brand audit page shows: the newest finished audit of the brand and the report's high anomalies. */
export interface BrandAuditPage {
  brand: { id: string; name: { zh: string; en: string } };
  run: AuditRunDoc | null;
  highAnomalies: { kind: string; message: string }[];
}

/**
 * The brand audit as its officers read it. The audit checks records against the chain; the brand
 * report checks what happened to them (labels, scans, licences). The page shows both, so it never
 * says "no problem" while the report shows a high anomaly.
 */
export async function brandAuditPage(ctx: UseCaseContext, brandId: string): Promise<BrandAuditPage> {
  const brand = await findBrand(ctx, brandId);
  const [run, report] = await Promise.all([
    new AuditRunRepository(ctx.connection).latestDoneOfBrand(brandId),
    compileBrandReport(ctx, brand, { batches: false }),
  ]);
  return {
    brand: { id: brandId, name: brand.name },
    run,
    highAnomalies: report.anomalies
      .filter((anomaly) => anomaly.severity === "high")
      .map((anomaly) => ({ kind: anomaly.kind, message: anomaly.message })),
  };
}
