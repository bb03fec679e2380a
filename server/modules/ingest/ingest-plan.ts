import { createHash } from "node:crypto";
import { Types } from "mongoose";
import type { EventFacts, ObservationFacts, UseCaseContext } from "../ledger";
import { quotaProblem, BrandClaimError, checkBrandClaim } from "../brands";
import { lotKeyOf, statedClaimCandidate, toGtin14, type DerivedBatch, type NewBatch } from "../batches";
import { loadWorld, lotKey, type World } from "./ingest-world";
import type { PlanStep } from "./plan-step";
import { timeSlicer } from "../../platform/threads/time-slice";
import {
  appendChanges,
  appendProblem,
  registerRolesProblem,
  type Quantity,
  type RecordingActor,
} from "./ingest-rules";

export type PlannedOp =
  | { kind: "register"; index: number; batchId: Types.ObjectId; batch: NewBatch; derived: DerivedBatch }
  | { kind: "append"; index: number; batchId: string; facts: EventFacts; consume?: Quantity }
  | { kind: "observe"; index: number; facts: ObservationFacts };

export interface StepProblem {
  index: number;
  code: string;
  message: string;
}

/** A step found already stored (by an earlier run that died), and what it recorded. */
export interface StoredStep {
  index: number;
  batchId: string;
  eventId: string;
  seq: number;
  hash: string;
  createdBatch: boolean;
  /** Recorded in the actor's observation log (`batchId` is then the log's id), and why. */
  observed?: string;
}

export interface PlanOptions {
  /** Id of the batch a register step creates: deterministic, so that a resumed run finds it. */
  batchIdFor(index: number): Types.ObjectId;
  /**
   * Finds a step an earlier run may have stored already (called before the step is checked);
   * `batchId` is null for an observation.
   */
  alreadyStored?(step: PlanStep, batchId: string | null): Promise<StoredStep | null>;
}

export interface Plan {
  ops: PlannedOp[];
  stored: StoredStep[];
  problems: StepProblem[];
}

/**
 * Plans what a document (EPCIS capture) or a spreadsheet (import) records, step by step, against
 * a simulated copy of every batch it touches: batch lookups, permissions, batch states, lots and
 * mass balance are all checked before anything is written, and every problem is reported with its
 * step. The plan is a list of writes that `applyPlan` carries out.
 */
export async function planSteps(
  ctx: UseCaseContext,
  actor: RecordingActor,
  steps: PlanStep[],
  options: PlanOptions,
): Promise<Plan> {
  const planning: Planning = {
    ctx,
    actor,
    options,
    plannedQuota: new Map(),
    world: await loadWorld(ctx, actor, steps),
    plan: { ops: [], stored: [], problems: [] },
    consumed: new Map(),
  };
  // Thousands of steps: planned in slices, so that other requests run between them.
  const pause = timeSlicer();
  for (const step of steps) {
    await pause();
    if (step.kind === "register") await planRegister(planning, step);
    else if (step.kind === "observe") await planObserve(planning, step.index, step.facts);
    else await planAppend(planning, step);
  }
  return planning.plan;
}

type RegisterStep = Extract<PlanStep, { kind: "register" }>;
type AppendStep = Extract<PlanStep, { kind: "append" }>;
type ConsumedInput = { batchId: Types.ObjectId; quantity: Quantity; origin?: NewBatch["origin"] };

interface Planning {
  ctx: UseCaseContext;
  actor: RecordingActor;
  /** Quota the plan's earlier branded batches will take, by licence id. */
  plannedQuota: Map<string, number>;
  options: PlanOptions;
  world: World;
  plan: Plan;
  /** Inputs consumed so far, by transformation, for the outputs that follow. */
  consumed: Map<string, ConsumedInput[]>;
}

async function planRegister(planning: Planning, step: RegisterStep): Promise<void> {
  const { actor, options, world, plan, consumed } = planning;
  const id = step.requestedId ? new Types.ObjectId(step.requestedId) : options.batchIdFor(step.index);
  const stored = await options.alreadyStored?.(step, id.toHexString());
  if (stored) return void plan.stored.push(stored);
  const problems: { code: string; message: string }[] = [];
  const roles = registerRolesProblem(actor, step.via);
  if (roles) problems.push(roles);
  const claimKey = lotKey(lotKeyOf(step.batch.product), step.batch.lot);
  // A lot claimed by this very batch was claimed by a run that died before storing the batch.
  const claimant = world.claimed.get(claimKey);
  if (claimant !== undefined && claimant !== id.toHexString()) {
    const message = `lot ${step.batch.lot} is already registered for product ${lotKeyOf(step.batch.product)}`;
    problems.push({ code: "LOT_TAKEN", message });
  }
  if (world.existingIds.has(id.toHexString())) {
    problems.push({ code: "BATCH_EXISTS", message: `batch ${id.toHexString()} already exists` });
  }
  const inputs = step.transformationKey ? (consumed.get(step.transformationKey) ?? []) : [];
  const origin = step.batch.origin ?? inputs.find((input) => input.origin)?.origin;
  if (!origin) {
    const message =
      "the batch needs an origin: give it, or record an input of the same transformation earlier in the document";
    problems.push({ code: "ORIGIN_REQUIRED", message });
  }
  if (origin && step.batch.brand) {
    const problem = await brandProblem(planning, id, { ...step.batch, origin });
    if (problem) problems.push(problem);
  }
  if (problems.length > 0 || !origin) {
    for (const problem of problems) plan.problems.push({ index: step.index, ...problem });
    return;
  }
  world.claimed.set(claimKey, id.toHexString());
  world.add({
    id: id.toHexString(),
    producerId: actor.orgId,
    holderId: actor.orgId,
    status: "active",
    available: step.batch.quantity.value,
    unit: step.batch.quantity.unit,
    pendingTransfer: false,
    productName: lotKeyOf(step.batch.product),
    ...(step.batch.product.gtin ? { gtin: toGtin14(step.batch.product.gtin) } : {}),
    lot: step.batch.lot,
    origin,
  });
  const lineage = inputs.map(({ batchId, quantity }) => ({
    batchId,
    quantity,
    kind: step.lineageKind ?? ("transformation" as const),
  }));
  plan.ops.push({
    kind: "register",
    index: step.index,
    batchId: id,
    batch: { ...step.batch, origin },
    derived: {
      id,
      inputs: lineage,
      commissioningData: step.data,
      actorId: actor.orgId,
      holderId: actor.orgId,
      ...(step.eventTime ? { eventTime: step.eventTime } : {}),
    },
  });
}

/**
 * Why the batch could not claim its brand, counting the quota that earlier batches of the same
 * plan will take; null when it can. The claim itself is made when the batch is registered.
 */
async function brandProblem(
  { ctx, actor, plannedQuota }: Planning,
  id: Types.ObjectId,
  batch: NewBatch,
): Promise<{ code: string; message: string } | null> {
  const candidate = {
    id,
    producerId: actor.orgId,
    category: batch.product.category,
    regionCode: batch.origin.regionCode,
    place: batch.origin.place,
    harvestedAt: batch.origin.harvestedAt,
    quantity: batch.quantity,
  };
  try {
    const { licences } = await checkBrandClaim(ctx, batch.brand!, statedClaimCandidate(candidate));
    const problems: string[] = [];
    for (const licence of licences) {
      const key = licence._id.toHexString();
      const planned = plannedQuota.get(key) ?? 0;
      const problem = quotaProblem(licence.quota, licence.remaining - planned, batch.quantity);
      if (!problem) {
        plannedQuota.set(key, planned + batch.quantity.value);
        return null;
      }
      problems.push(problem);
    }
    return {
      code: "BRAND_CLAIM_REFUSED",
      message: `the batch cannot carry the brand: ${problems.join("; ")}`,
    };
  } catch (error) {
    if (error instanceof BrandClaimError) return { code: error.code, message: error.message };
    throw error;
  }
}

async function planObserve({ options, plan }: Planning, index: number, facts: ObservationFacts) {
  const stored = await options.alreadyStored?.({ kind: "observe", index, facts }, null);
  if (stored) plan.stored.push(stored);
  else plan.ops.push({ kind: "observe", index, facts });
}

async function planAppend(planning: Planning, step: AppendStep): Promise<void> {
  const { actor, options, world, plan, consumed } = planning;
  const report = (code: string, message: string) => {
    plan.problems.push({ index: step.index, code, message });
  };
  const unresolved: StepProblem[] = [];
  const batch = world.resolve(step.ref, (code, message) =>
    unresolved.push({ index: step.index, code, message }),
  );
  if (!batch && step.observeIfUnknown && unresolved.every((problem) => problem.code === "UNKNOWN_BATCH"))
    return planObserve(planning, step.index, step.observeIfUnknown);
  plan.problems.push(...unresolved);
  if (!batch) return;
  const stored = await options.alreadyStored?.(step, batch.id);
  if (stored) return void plan.stored.push(stored);
  const problem = appendProblem(actor, batch, step.facts.type, step.consume);
  if (problem) {
    report(problem.code, problem.message);
    return;
  }
  Object.assign(batch, appendChanges(batch, step.facts.type, step.consume));
  if (step.consume && step.transformationKey) {
    const inputs = consumed.get(step.transformationKey) ?? [];
    inputs.push({ batchId: new Types.ObjectId(batch.id), quantity: step.consume, origin: batch.origin });
    consumed.set(step.transformationKey, inputs);
  }
  plan.ops.push({
    kind: "append",
    index: step.index,
    batchId: batch.id,
    facts: step.facts,
    ...(step.consume ? { consume: step.consume } : {}),
  });
}

/**
 * A batch id derived from a job id and a step: the job's creation second, then 8 bytes of
 * SHA-256, so it is the same in every run of the job and still sorts near the job's time.
 */
export function derivedBatchId(jobId: Types.ObjectId, index: number): Types.ObjectId {
  const digest = createHash("sha256").update(`${jobId.toHexString()}:${index}`).digest();
  return new Types.ObjectId(Buffer.concat([Buffer.from(jobId.id).subarray(0, 4), digest.subarray(0, 8)]));
}
