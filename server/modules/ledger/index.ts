/** The ledger module's public surface: other modules import from here, never from its files. */
export {
  appendToLedger,
  buildFirstEvent,
  commitToLedger,
  materializeHead,
  type AppendGuard,
  type Ledger,
  type UseCaseContext,
} from "./append-event";
export { commitChains, type ChainCommit } from "./commit-chains";
export { newestCommit } from "./commit-events";
export {
  traceEventModel,
  type ChainedEvent,
  type LedgerSubject,
  type TraceEventDoc,
} from "./data/trace-event.model";
export { type ObservationFacts } from "./domain/observation-body";
export {
  OBSERVATION_LEDGER,
  appendObservation,
  findObservation,
  observationLogOf,
  observationLogsFor,
} from "./observation-log";
export { TraceEventRepository } from "./data/trace-event.repository";
export { CBV_TERM_PATTERN, CLIENT_EVENT_TYPES, bizStepUri, cbvTermsFor, type EventType } from "./domain/cbv";
export {
  COMMITMENT_KEY,
  findSealedFields,
  isSealedMarker,
  openingProblem,
  privatePointerSyntaxProblem,
} from "./domain/disclosure";
export { buildEventBody, type EventFacts, type EventLocation, type LedgerLink } from "./domain/event-body";
export { ZERO_HASH, computeEventHash } from "./domain/event-hash";
export { LedgerHeadCache } from "./ledger-head-cache";
export { repairLedgerHeads } from "./repair-ledger-heads";
export {
  REGISTRATION_PRIVATE_POINTERS,
  commitmentsOpenedBy,
  creditInheritedOpenings,
  inheritedPrivateFields,
  openingsFor,
  sealFieldsOf,
  sealPrivateFields,
  storeOpenings,
  type SealedFacts,
} from "./sealed-fields";
