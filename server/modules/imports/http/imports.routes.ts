import { Router } from "express";
import { ValidationError } from "../../../platform/errors";
import { getImport, importFile } from "../import-run";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import { importIdParams, importQuery } from "../../epcis";

/** Bulk import of batches and events from a CSV or .xlsx file (docs/import-format.md). */
export function importRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const tag = "imports";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/imports",
      summary:
        "Import batches and events from the CSV or .xlsx file in the body; ?dryRun=true checks every row and stores nothing",
      tag,
      access: { roles: "any", others: "none" },
      query: importQuery,
      fileBody: {
        megabytes: deps.config.IMPORT_MAX_MB,
        limitKey: "IMPORT_MAX_MB",
        description: "the CSV or .xlsx file (docs/import-format.md)",
      },
      responses: {
        200: "dry run report { valid, rows, batches, events, errors }, or the import of this file, done before",
        202: "import started (or resumed, or still running): { importId, state, rows, written }; follow GET /api/imports/:id",
        413: "LIMIT_EXCEEDED: over IMPORT_MAX_MB, IMPORT_MAX_ROWS or IMPORT_MAX_UNZIPPED_MB (zip bomb); details.limit names it",
        422: "IMPORT_REJECTED: details.errors lists every row problem { row, column, problem }; nothing stored",
      },
    },
    async (req, res) => {
      const { query } = req;
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw ValidationError.forField("body", "must be the CSV or .xlsx file to import");
      }
      const outcome = await importFile(
        ctx,
        actorOf(res),
        { bytes: req.body, fileName: query.name ?? "upload", dryRun: query.dryRun === "true" },
        {
          logger: req.log ?? deps.logger,
          limits: {
            maxRows: deps.config.IMPORT_MAX_ROWS,
            maxUnzippedBytes: deps.config.IMPORT_MAX_UNZIPPED_MB * 2 ** 20,
          },
        },
      );
      if (outcome.status === 202) {
        outcome.completion.catch((error: unknown) => deps.logger.error({ err: error }, "import failed"));
        res.setHeader("location", `/api/imports/${outcome.body.importId}`);
      }
      res.status(outcome.status).json(outcome.body);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/imports/:id",
      summary: "An import's progress and summary",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "import",
      params: importIdParams,
      responses: {
        200: "{ importId, state, rows, written, batches, events, failure? }",
        404: "unknown import",
      },
    },
    async (req, res) => {
      const { params } = req;
      res.json(await getImport(ctx, actorOf(res), params.id));
    },
  );

  return router;
}
