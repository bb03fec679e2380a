/** The ingest module's public surface: other modules import from here, never from its files. */
export { eventRoutes } from "./http/events.routes";
export { ApplyFailure, applyPlan, findStoredEvent, storedStep } from "./ingest-apply";
export { derivedBatchId, planSteps, type StoredStep } from "./ingest-plan";
export { type RecordingActor } from "./ingest-rules";
export { type PlanRef, type PlanStep } from "./plan-step";
