/** The brand-reports module's public surface: other modules import from here, never from its files. */
export { brandReportRoutes } from "./http/brand-report.routes";
export { signedLinkAccess, signedBrandPageLink, type BrandPageAccess } from "./brand-page-links";
export {
  brandOfficerPageRoutes,
  refuse as refuseBrandPage,
  sendPage as sendBrandPage,
} from "./http/brand-pages.routes";
export { compileBrandReport } from "./compile-brand-report";
export { ANOMALY_LABELS } from "./domain/anomaly-labels";
