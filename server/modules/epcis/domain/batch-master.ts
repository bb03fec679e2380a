import { lotSchema, newBatchInput } from "../../batches";

/** `ilmd["ecotrace:batch"]` of a commissioning event: POST /api/batches without quantity, lot required. */
export const capturedBatchMaster = newBatchInput.omit({ eventTime: true }).extend({ lot: lotSchema });

/** The same for the output of a transformation, whose origin may come from its inputs. */
export const derivedBatchMaster = capturedBatchMaster.extend({
  origin: newBatchInput.shape.origin.optional(),
});
