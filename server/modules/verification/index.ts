/** The verification module's public surface: other modules import from here, never from its files. */
export { type BundleEvent } from "./domain/proof-bundle";
export {
  decideVerdict,
  type Check,
  type CheckName,
  type CheckStatus,
  type Verdict,
  type VerdictResult,
} from "./domain/verdict";
export { proofBundleRoutes } from "./http/proof-bundle.routes";
export { verifierDeps, verifyRoutes } from "./http/verify.routes";
export { type CertificationDisplay } from "./verify-certifications";
export { type BrandClaimDisplay, type LicenceDisplay } from "./verify-licences";
export { resolveBatchKey, verifierFor, type BatchVerification, type BatchVerifier } from "./verify";
export { type CompletenessEvidence } from "./domain/completeness";
export { isSuspectedCopy, type ScanEvidence } from "./domain/verdict-scans";
export { forgetChainAnswers } from "./verify-chain-reader";
export { VerifyThreads, type VerifyThreadSettings } from "./verify-threads";
