/** The consumer module's public surface: other modules import from here, never from its files. */
export { brandPageRoutes } from "./http/brand-page.routes";
export { consumerRoutes } from "./http/consumer.routes";
export { fakeReportRoutes } from "./http/fake-report.routes";
export { scanRegionRoutes } from "./http/scan-region.routes";
export { verdictText } from "./web/i18n";
export { fact, formatQuantity, formatTime, renderDocument } from "./web/page-document";
export { pickLanguage, type Lang } from "./web/i18n";
