/** The certifications module's public surface: other modules import from here, never from its files. */
export { snapshotFor } from "./certification-views";
export { certificationsCovering, coverableBatch, coveredByRule } from "./coverage-lookup";
export { type CertificationDoc } from "./data/certification.model";
export { CertificationRepository } from "./data/certification.repository";
export { coverageOf, withinCap, type CoverableBatch } from "./domain/certification-coverage";
export { draftToMessage, type CertificationDraft } from "./domain/certification-draft";
export { SCHEME_CODE_PATTERN, builtInScheme, type CertificationScheme } from "./domain/certification-schemes";
export { STATUS_CHANGE_CODES, STATUS_CHANGE_TYPES } from "./domain/certification-status-change";
export {
  certificationStatus,
  chainRecordOf,
  type CertificationValidity,
  type ChainCertificationRecord,
} from "./domain/certification-status";
export {
  CERTIFICATION_PRIMARY_TYPE,
  CERTIFICATION_TYPES,
  certificationDomain,
  computeCertHash,
  domainMismatch,
  quantityCapOf,
  recoverCertificationSigner,
  type CertificationDomain,
  type CertificationMessage,
} from "./domain/certification-typed-data";
export { certificationRoutes } from "./http/certifications.routes";
export { credentialRoutes } from "./http/credentials.routes";
export { holdsInspectionMandate } from "./inspection-mandate";
export { listSchemes } from "./scheme-registry";
export { restoreCertificationsOnChain } from "./chain-restore";
export { revocationsIn, type Revocation } from "./revocations";
