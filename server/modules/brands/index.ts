/** The brands module's public surface: other modules import from here, never from its files. */
export { type ProducerCertification } from "./brand-certifications";
export {
  BrandClaimError,
  brandClaims,
  checkBrandClaim,
  claimBrand,
  inheritedBrand,
  releaseBrandClaim,
} from "./brand-claims";
export { brandOverview, type BrandOverview } from "./brand-overview";
export { mayOverseeBrand } from "./brands-policy";
export { BRAND_LEDGER, brandEvents, findBrand } from "./brands";
export { type BrandDoc } from "./data/brand.model";
export { BrandRepository } from "./data/brand.repository";
export { type LicenceDoc } from "./data/licence.model";
export { LicenceRepository } from "./data/licence.repository";
export { quotaProblem, roundQuantity, type LicenceStatus } from "./domain/brand-rules";
export { PIECES, decideItemQuantity, labelledQuantity, type Quantity } from "./domain/label-quota";
export { brandRoutes } from "./http/brands.routes";
export { assertLicenceActive, releaseLabelRoom, splitAncestry, takeLabelRoom } from "./label-room";
export { licenceView, listLicences } from "./licences";
