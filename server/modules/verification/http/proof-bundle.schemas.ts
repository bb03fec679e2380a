import { z } from "zod";
import { objectId } from "../../../platform/http/common.schemas";
import { publicIdSchema } from "../../batches";

/** Public routes take a batch's random public id, never its ObjectId (decision 0020). */
export const verifyParams = z.strictObject({ publicId: publicIdSchema });
export const publicBundleParams = z.strictObject({ publicId: publicIdSchema });
export const proofBundleParams = z.strictObject({ id: objectId });
