import type { Types } from "mongoose";
import type { UseCaseContext } from "../../ledger";

/** What a branded batch carries: the brand's name for labels, and the licence claim behind it. */
export interface BatchBrand {
  brand: string;
  brandId: Types.ObjectId;
  licenceId: Types.ObjectId;
}

/** The facts of a batch about to be registered that a brand claim is judged on. */
export interface BrandClaimCandidate {
  id: Types.ObjectId;
  producerId: string;
  category: string;
  regionCode: string;
  /** Absent when not stated (decision 0031): only plot certifications need it. */
  place?: string;
  /** ISO date or date-time of the harvest / production. */
  harvestedAt: string;
  quantity: { value: number; unit: string };
}

/**
 * How a registration claims a brand (the brands module implements it: licence, required
 * certifications, quota). Batches own this port so that registering a batch does not depend on
 * the brands module, which itself builds on batches.
 */
export interface BrandClaims {
  claim(ctx: UseCaseContext, brandId: string, batch: BrandClaimCandidate): Promise<BatchBrand>;
  release(ctx: UseCaseContext, claim: BatchBrand, quantity: number): Promise<void>;
}
