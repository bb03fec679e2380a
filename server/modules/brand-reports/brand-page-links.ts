import { findBrand, mayOverseeBrand } from "../brands";
import type { UseCaseContext } from "../ledger";
import { ForbiddenError } from "../../platform/errors";
import { isValidLinkSignature, signLink } from "../../platform/crypto/signed-link";
import { LinkKeyRepository } from "./data/link-key.repository";

const KEY_NAME = "brand-pages";
export const BRAND_PAGES = ["report", "report.csv", "audit"] as const;
export type BrandPageName = (typeof BRAND_PAGES)[number];

/**
 * Expiring links a brand owner (or an auditor, an admin) hands to brand officers, so that they
 * open the brand report, its CSV and the brand audit in a browser without an API key: each link is
 * `/brands/{id}/{page}?expires={unix s}&sig={HMAC}` and opens that page of that brand only.
 */
export async function issueBrandPageLinks(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  brandId: string,
  options: { hours: number; baseUrl: string },
): Promise<Record<BrandPageName, string> & { expiresAt: string }> {
  const brand = await findBrand(ctx, brandId);
  if (!mayOverseeBrand(actor, brand)) {
    throw new ForbiddenError(
      `only the owner of brand ${brand.name.zh}, auditors and admins can share its pages`,
    );
  }
  const expiresSec = Math.floor(ctx.now().getTime() / 1000) + options.hours * 3600;
  const link = (page: BrandPageName) => signedBrandPageLink(ctx, brandId, page, expiresSec);
  return {
    report: `${options.baseUrl}${await link("report")}`,
    "report.csv": `${options.baseUrl}${await link("report.csv")}`,
    audit: `${options.baseUrl}${await link("audit")}`,
    expiresAt: new Date(expiresSec * 1000).toISOString(),
  };
}

/** The signed path of one brand page until `expiresSec` (a page links its siblings with its own expiry). */
export async function signedBrandPageLink(
  ctx: UseCaseContext,
  brandId: string,
  page: BrandPageName,
  expiresSec: number,
): Promise<string> {
  const key = await new LinkKeyRepository(ctx.connection).keyNamed(KEY_NAME, ctx.now());
  const path = `/brands/${brandId}/${page}`;
  return `${path}?expires=${expiresSec}&sig=${signLink(key, path, expiresSec)}`;
}

/**
 * Who may open a brand officer's page in a browser. Pluggable: today a signed link; a console
 * session can be another implementation of the same check.
 */
export interface BrandPageAccess {
  mayOpen(request: { path: string; query: Record<string, unknown> }): Promise<boolean>;
}

export function signedLinkAccess(ctx: UseCaseContext): BrandPageAccess {
  return {
    async mayOpen({ path, query }) {
      const { expires, sig } = query;
      if (typeof expires !== "string" || typeof sig !== "string" || !/^\d{1,12}$/.test(expires)) return false;
      const key = await new LinkKeyRepository(ctx.connection).keyNamed(KEY_NAME, ctx.now());
      return isValidLinkSignature(
        key,
        { path, expiresSec: Number(expires), signature: sig },
        Math.floor(ctx.now().getTime() / 1000),
      );
    },
  };
}
