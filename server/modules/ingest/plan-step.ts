import type { BatchInput, NewBatch } from "../batches";
import type { EventFacts, ObservationFacts } from "../ledger";
import type { Quantity } from "./ingest-rules";

/**
 * A step of a plan (ingest-plan.ts): a batch to register, an event to append to a batch, or an
 * observation for the actor's observation log (decision 0031).
 */
export type PlanRef =
  { kind: "lot"; lot: string; gtin?: string; product?: string } | { kind: "id"; id: string };

export type NewPlannedBatch = Omit<NewBatch, "origin" | "lot"> & { lot: string; origin?: NewBatch["origin"] };

export type PlanStep =
  | {
      kind: "register";
      index: number;
      via: "commissioning" | "transformation-output";
      batch: NewPlannedBatch;
      /** Keep this batch id (a batch captured under EcoTrace's `{base}/b/{id}` link). */
      requestedId?: string;
      eventTime?: string;
      data: Record<string, unknown>;
      transformationKey?: string;
      lineageKind?: BatchInput["kind"];
    }
  | {
      kind: "append";
      index: number;
      ref: PlanRef;
      facts: EventFacts;
      consume?: Quantity;
      transformationKey?: string;
      /** When no batch the actor may see has the lot: record this observation instead. */
      observeIfUnknown?: ObservationFacts;
    }
  | { kind: "observe"; index: number; facts: ObservationFacts };
