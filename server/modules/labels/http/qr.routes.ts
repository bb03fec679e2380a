import { Router } from "express";
import { z } from "zod";
import { batchDigitalLink, findBatchByPublicId, publicIdSchema } from "../../batches";
import { findSerial, serialLink } from "../serials";
import { NotFoundError } from "../../../platform/errors";
import { renderQrPng, renderQrSvg } from "../../../platform/web/qr";
import type { ApiRegistry, HttpDeps } from "../../http-deps";

const qrQuery = z.strictObject({
  size: z.coerce.number().int().min(64).max(2048).default(512),
  margin: z.coerce.number().int().min(0).max(16).default(2),
  ecc: z.enum(["L", "M", "Q", "H"]).default("M"),
  /** An issued item serial: the code then holds the item-level link (…/21/{serial}). */
  serial: z
    .string()
    .regex(/^[0-9A-Z]{1,20}$/, "must be an item serial")
    .optional(),
});

/** Public QR codes of a batch's GS1 Digital Link, as PNG and SVG. */
export function qrRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  for (const format of ["png", "svg"] as const) {
    registry.define(
      router,
      {
        method: "get",
        path: `/api/batches/:publicId/qr.${format}`,
        summary: `QR code (${format.toUpperCase()}) holding the batch's GS1 Digital Link`,
        tag: "labels",
        access: "public",
        resource: "batch-public",
        params: z.strictObject({ publicId: publicIdSchema }),
        query: qrQuery,
        responses: { 200: `image/${format === "png" ? "png" : "svg+xml"}`, 404: "unknown batch or serial" },
      },
      async (req, res) => {
        const { params, query } = req;
        const batch = await findBatchByPublicId(deps.useCaseContext, params.publicId);
        if (!batch) throw new NotFoundError("batch", params.publicId);
        let link = batchDigitalLink(deps.config.PUBLIC_BASE_URL, {
          publicId: batch.publicId,
          gtin: batch.product.gtin,
          lot: batch.lot,
        });
        if (query.serial !== undefined) {
          if (!(await findSerial(deps.useCaseContext, batch._id, query.serial)))
            throw new NotFoundError("serial", query.serial);
          link = serialLink(deps.config.PUBLIC_BASE_URL, batch, query.serial);
        }
        const options = { size: query.size, margin: query.margin, errorCorrection: query.ecc };
        res.setHeader("cache-control", query.serial ? "no-store" : "public, max-age=86400");
        if (format === "png") res.type("image/png").send(await renderQrPng(link, options));
        else res.type("image/svg+xml").send(await renderQrSvg(link, options));
      },
    );
  }
  return router;
}
