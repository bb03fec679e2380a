import { Types } from "mongoose";
import { brandModel, type BrandDoc } from "./data/brand.model";
import {
  type TraceEventDoc,
  TraceEventRepository,
  appendToLedger,
  buildFirstEvent,
  type AppendGuard,
  type Ledger,
  type UseCaseContext,
} from "../ledger";
import { BrandRepository } from "./data/brand.repository";
import { buildBrandEventBody, type BrandEventFacts } from "./domain/brand-event-body";
import { NotFoundError, UnprocessableError } from "../../platform/errors";
import { listSchemes } from "../certifications";

/** A brand's licence register as a hash chain whose head is the brand document (decision 0010). */
export const BRAND_LEDGER: Ledger<BrandEventFacts> = {
  subject: "brand",
  collection: (connection) => brandModel(connection).collection,
  notFound: (id) => new NotFoundError("brand", id),
  body: (facts, link) => buildBrandEventBody(facts, link) as unknown as Record<string, unknown>,
};

export interface NewBrand {
  name: { zh: string; en: string };
  regionCodes: string[];
  categories: string[];
  requiredSchemes: string[];
  logo?: { sha256: string; mediaType: string; uri?: string };
}

/** Registers a brand owned by `ownerId`; its first register event (seq 1) records the terms. */
export async function createBrand(ctx: UseCaseContext, ownerId: string, input: NewBrand): Promise<BrandDoc> {
  const known = (await listSchemes(ctx.connection)).map((scheme) => scheme.code);
  input.requiredSchemes.forEach((scheme, index) => {
    if (!known.includes(scheme)) {
      throw new UnprocessableError(
        "UNKNOWN_SCHEME",
        `body.requiredSchemes[${index}] ${scheme} is not one of ${known.join(", ")}`,
        { field: `body.requiredSchemes[${index}]`, known },
      );
    }
  });
  const brandId = new Types.ObjectId();
  const now = ctx.now();
  const event = buildFirstEvent(
    ctx,
    brandId,
    ownerId,
    { type: "brand_registered", eventTime: now.toISOString(), data: { owner: ownerId, ...input } },
    BRAND_LEDGER,
  );
  const brand: BrandDoc = {
    _id: brandId,
    ownerId: new Types.ObjectId(ownerId),
    ...input,
    head: { seq: event.seq, hash: event.hash, eventId: event._id },
    lastEvent: event as unknown as Record<string, unknown>,
    createdAt: now,
  };
  await new BrandRepository(ctx.connection).insert(brand);
  await new TraceEventRepository(ctx.connection).insert(event);
  return brand;
}

export function appendBrandEvent(
  ctx: UseCaseContext,
  brandId: string,
  actorId: string,
  facts: BrandEventFacts,
  guard?: AppendGuard<BrandDoc>,
): Promise<TraceEventDoc> {
  return appendToLedger(ctx, BRAND_LEDGER, brandId, actorId, facts, guard);
}

export async function findBrand(ctx: UseCaseContext, brandId: string): Promise<BrandDoc> {
  const brand = Types.ObjectId.isValid(brandId)
    ? await new BrandRepository(ctx.connection).findById(brandId)
    : null;
  if (!brand) throw new NotFoundError("brand", brandId);
  return brand;
}

export async function listBrands(ctx: UseCaseContext, filter: { owner?: string }): Promise<BrandDoc[]> {
  return new BrandRepository(ctx.connection).list(filter);
}

/** The brand's licence register in chain order. */
export async function brandEvents(ctx: UseCaseContext, brandId: Types.ObjectId): Promise<TraceEventDoc[]> {
  return new TraceEventRepository(ctx.connection).brandRegister(brandId);
}

export function brandView(brand: BrandDoc) {
  return {
    id: brand._id.toHexString(),
    ownerId: brand.ownerId.toHexString(),
    name: brand.name,
    regionCodes: brand.regionCodes,
    categories: brand.categories,
    requiredSchemes: brand.requiredSchemes,
    ...(brand.logo ? { logo: brand.logo } : {}),
    head: { seq: brand.head.seq, hash: brand.head.hash },
    createdAt: new Date(brand.createdAt).toISOString(),
  };
}
