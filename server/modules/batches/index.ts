/** The batches module's public surface: other modules import from here, never from its files. */
export { BATCH_LEDGER, appendEvent, appendEvents, appendToBatches, type BatchGuard } from "./batch-ledger";
export { appendedView, batchView, eventView } from "./batch-view";
export { batchListFor } from "./batch-list";
export { renderBatchListFirstScreen } from "./web/batch-list-first-screen";
export { assertMayReadBatch } from "./batches-policy";
export { registerBatch, registerBatches, type DerivedBatch } from "./batches";
export { type BatchDoc, type BatchInput } from "./data/batch.model";
export { BatchRepository, type LabelledBatch } from "./data/batch.repository";
export { lotClaimsOf } from "./data/lot-claim.model";
export { type BatchBrand, type BrandClaimCandidate, type BrandClaims } from "./domain/batch-brand";
export { type BatchStatus } from "./domain/batch-status";
export {
  DigitalLinkError,
  batchDigitalLink,
  formatDigitalLink,
  parseDigitalLinkPath,
  type DigitalLinkKey,
} from "./domain/digital-link";
export { batchChangesFor, eventBlockedReason, mayRecordEvent } from "./domain/event-rules";
export { gs1CheckDigit, gtinProblem, toGtin14 } from "./domain/gtin";
export {
  eventLocation,
  geoPoint,
  lotSchema,
  newBatchInput,
  newEventInput,
  productSchema,
} from "./domain/new-batch-input";
export { lotKeyOf, originOf, statedClaimCandidate, type NewBatch } from "./domain/new-batch";
export { findBatch } from "./find-batch";
export { assertBatchVisible } from "./http/batch-access";
export { batchRoutes } from "./http/batches.routes";
export { MAX_BULK_EVENTS, batchIdParams, createEventsBody } from "./http/batches.schemas";
export { lineage } from "./lineage";
export { backfillPublicIds, findBatchByPublicId, newPublicId, publicIdSchema } from "./public-id";
