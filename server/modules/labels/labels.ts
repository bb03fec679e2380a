import { SerialRepository } from "./data/serial.repository";
import { type BatchDoc, batchDigitalLink } from "../batches";
import { ForbiddenError, UnprocessableError } from "../../platform/errors";
import type { UseCaseContext } from "../ledger";
import { assertLicenceActive } from "../brands";
import { serialLink } from "./serials";

export interface LabelRequest {
  count: number;
  serials: boolean;
  offset: number;
}

export interface LabelItem {
  link: string;
  serial?: string;
  /** What the labelled item holds (item serials issued with a quantity). */
  itemQuantity?: { value: number; unit: string };
}

/**
 * What each label of a sheet encodes: `count` copies of the batch's Digital Link, or the Digital
 * Links of `count` item serials starting at `offset` (issue order). Serial labels are for the
 * producer only: an unprinted serial is a secret that proves a package genuine.
 */
export async function labelItems(
  ctx: UseCaseContext,
  actor: { orgId: string; roles: readonly string[] },
  batch: BatchDoc,
  publicBaseUrl: string,
  request: LabelRequest,
): Promise<LabelItem[]> {
  if (!request.serials) {
    const link = batchDigitalLink(publicBaseUrl, {
      publicId: batch.publicId,
      gtin: batch.product.gtin,
      lot: batch.lot,
    });
    return Array.from({ length: request.count }, () => ({ link }));
  }
  if (!actor.roles.includes("admin") && batch.producerId.toHexString() !== actor.orgId) {
    throw new ForbiddenError("only the batch's producer can print item serial labels");
  }
  // Branded item labels carry the brand mark: not while the licence behind it is suspended or revoked.
  if (batch.licenceId) await assertLicenceActive(ctx, batch);
  const serials = await new SerialRepository(ctx.connection).serialsToPrint(batch._id, {
    offset: request.offset,
    count: request.count,
  });
  if (serials.length === 0) {
    throw new UnprocessableError(
      "NO_SERIALS",
      `the batch has no item serials after offset ${request.offset}; issue some with POST /api/batches/:id/serials`,
    );
  }
  return serials.map(({ serial, itemQuantity }) => ({
    link: serialLink(publicBaseUrl, batch, serial),
    serial,
    ...(itemQuantity ? { itemQuantity: { value: itemQuantity.value, unit: itemQuantity.unit } } : {}),
  }));
}
