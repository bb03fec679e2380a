import type { Connection } from "mongoose";
import type { BatchDoc } from "../batches";
import { BrandRepository, LicenceRepository, licenceView } from "../brands";
import { organizationNames } from "../organizations";
import type { LicenceEvidence } from "./domain/verdict-licences";
import type { BatchRecords } from "./batch-records";

/**
 * Adapter to the brands module for verification: the brand a batch carries and the licences
 * behind that claim, read live (a revocation counts the moment it is acknowledged), as verdict
 * evidence and as what the consumer page shows. Licence facts, quota included, are public (the
 * brand page and GET /api/licences/:id show them too).
 */
export type LicenceDisplay = ReturnType<typeof licenceView> & {
  producer: { id: string; name: string };
  /** Held by the producer of an input batch this batch inherited its brand from. */
  inherited: boolean;
};

export interface BrandClaimDisplay {
  id: string;
  name: { zh: string; en: string };
  /** The brand's public page. */
  page: string;
  /** A reference to the brand's logo (digest, media type, where it is published); never loaded. */
  logo: { sha256: string; mediaType: string; uri: string | null } | null;
  licences: LicenceDisplay[];
}

export async function liveBrandClaim(
  connection: Connection,
  records: Pick<BatchRecords, "subject" | "batches">,
  publicBaseUrl: string,
): Promise<{ evidence: LicenceEvidence[]; display: BrandClaimDisplay } | null> {
  const { subject } = records;
  if (!subject.brandId) return null;
  const backing = backingLicences(subject, records.batches);
  const [brand, licences] = await Promise.all([
    new BrandRepository(connection).findById(subject.brandId),
    new LicenceRepository(connection).findMany(backing.map((item) => item.id)),
  ]);
  const names = await organizationNames(
    connection,
    licences.map((licence) => licence.producerId.toHexString()),
  );
  const name = brand?.name ?? { zh: subject.brand ?? "?", en: subject.brand ?? "?" };
  const display: LicenceDisplay[] = [];
  const evidence: LicenceEvidence[] = backing.map(({ id, inherited }) => {
    const licence = licences.find((item) => item._id.toHexString() === id);
    if (!licence)
      return {
        licenceId: id,
        name: `${name.en} licence ${id}`,
        status: "missing",
        reason: null,
        changedAt: null,
      };
    const producer = {
      id: licence.producerId.toHexString(),
      name: names.get(licence.producerId.toHexString()) ?? "?",
    };
    display.push({ ...licenceView(licence), producer, inherited });
    return {
      licenceId: id,
      name: `${name.zh} (${name.en}) licence ${id} of ${producer.name} for ${licence.category}, ${licence.period.from} – ${licence.period.until}`,
      status: licence.status,
      reason: licence.statusReason ?? null,
      changedAt: new Date(licence.statusChangedAt).toISOString(),
    };
  });
  const brandId = subject.brandId.toHexString();
  return {
    evidence,
    display: {
      id: brandId,
      name,
      page: `${publicBaseUrl}/brands/${brandId}`,
      logo: brand?.logo ? { ...brand.logo, uri: brand.logo.uri ?? null } : null,
      licences: display,
    },
  };
}

/**
 * The licences a batch's brand claim rests on: its own, and where it inherited the brand (a split
 * child, or a transformation output whose inputs all carry the brand: decision 0010), those of
 * the inputs, back to the batches that took the quota. Two licensed producers' leaves made into
 * one finished tea rest on both licences, although the output records only the first.
 */
export function backingLicences(
  subject: BatchDoc,
  batches: ReadonlyMap<string, BatchDoc>,
): { id: string; inherited: boolean }[] {
  const brandId = subject.brandId?.toHexString();
  const found = new Map<string, boolean>();
  const seen = new Set<string>();
  const visit = (batch: BatchDoc, inherited: boolean) => {
    if (seen.has(batch._id.toHexString())) return;
    seen.add(batch._id.toHexString());
    const licenceId = batch.licenceId?.toHexString();
    if (licenceId && !found.has(licenceId)) found.set(licenceId, inherited);
    const inputs = (batch.inputs ?? []).map((input) => batches.get(input.batchId.toHexString()));
    if (inputs.length === 0 || !inputs.every((input) => input?.brandId?.toHexString() === brandId)) return;
    for (const input of inputs) visit(input!, true);
  };
  if (brandId) visit(subject, false);
  return [...found.entries()].map(([id, inherited]) => ({ id, inherited }));
}
