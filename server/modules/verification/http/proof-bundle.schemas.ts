import { z } from "zod";
import { objectId } from "../../../platform/http/common.schemas";

export const verifyParams = z.strictObject({ batchId: objectId });
export const proofBundleParams = z.strictObject({ id: objectId });
