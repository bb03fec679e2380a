/** The brand-reports module's public surface: other modules import from here, never from its files. */
export { brandReportRoutes } from "./http/brand-report.routes";
