import { findSerial } from "../../labels";
import { resolveBatchKey } from "../../verification";
import { NotFoundError } from "../../../platform/errors";
import type { HttpDeps } from "../../http-deps";

/** The issued item serial an item link's path names (`/01/{gtin}/10/{lot}/21/{serial}/…`), or 404. */
export async function itemOfPath(deps: HttpDeps, params: { gtin: string; lot: string; serial: string }) {
  const { gtin, lot, serial } = params;
  const resolved = await resolveBatchKey(deps.useCaseContext, { gtin, lot });
  const issued = resolved.batch && (await findSerial(deps.useCaseContext, resolved.batch._id, serial));
  if (!issued) throw new NotFoundError("item", `${gtin}/${lot}/${serial}`);
  return issued;
}
