/** The labels module's public surface: other modules import from here, never from its files. */
export { brandLabelStats, type BrandLabelStats } from "./brand-label-stats";
export { ScanRepository } from "./data/scan.repository";
export { SerialRepository } from "./data/serial.repository";
export { type UnknownScanGroup } from "./domain/unknown-scan-group";
export { labelRoutes } from "./http/labels.routes";
export { qrRoutes } from "./http/qr.routes";
export { serialRoutes } from "./http/serials.routes";
export { noteUnknownSerialScan } from "./http/unknown-scan-hook";
export { clientPseudonym, recordScan, recordScanRegion, scanReport, type SerialScanReport } from "./scans";
export { findSerial } from "./serials";
export { scanRegionCounts, suspectedCopySerials, type SerialScanSummary } from "./serial-scan-summaries";
export { unknownScansOfBrand } from "./unknown-scans";
export { FAKE_REPORT_REASONS, type FakeReportReason } from "./data/fake-report.model";
export { fakeReportsOf, reportFake } from "./fake-reports";
