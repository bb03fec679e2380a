import type { NewBatch } from "../../batches";

/** Inputs consumed and output batches created by one transformation (processing, merging). */
export interface NewTransformation {
  inputs: { batchId: string; quantity: { value: number; unit: string } }[];
  outputs: (Omit<NewBatch, "origin"> & { origin?: NewBatch["origin"] })[];
  eventTime?: string;
  data?: Record<string, unknown>;
}
