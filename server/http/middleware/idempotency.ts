import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { RequestHandler, Response } from "express";
import type { Connection } from "mongoose";
import { idempotencyRecordModel } from "../../data-access/idempotency-record.model";
import { AppError, ConflictError, ValidationError } from "../../errors";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on POST: the first request with a key claims it atomically (upsert), its
 * response is stored, and retries with the same key and the same request get that response again
 * without storing anything twice. Keys are scoped to the caller's credential. A 5xx answer frees
 * the key so that the request can be retried.
 */
export function idempotency(connection: Connection): RequestHandler {
  const records = idempotencyRecordModel(connection);
  return async (req, res, next) => {
    const key = req.get("idempotency-key");
    if (req.method !== "POST" || key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      return next(
        ValidationError.forField("header.Idempotency-Key", "must be 1-255 visible ASCII characters"),
      );
    }
    const scope = sha256(req.headers.authorization ?? "");
    const fingerprint = sha256(`${req.method} ${req.originalUrl} ${canonicalize(req.body ?? null) ?? ""}`);
    const existing = await records
      .findOneAndUpdate(
        { scope, key },
        { $setOnInsert: { scope, key, fingerprint, state: "in_progress", createdAt: new Date() } },
        { upsert: true, new: false },
      )
      .lean();
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        return next(
          new AppError(
            "IDEMPOTENCY_KEY_REUSED",
            "this Idempotency-Key was used for a different request",
            422,
          ),
        );
      }
      if (existing.state !== "done") {
        return next(
          new ConflictError("a request with this Idempotency-Key is still being processed; retry later"),
        );
      }
      res.setHeader("idempotent-replayed", "true");
      return void res.status(existing.status!).json(existing.body);
    }
    captureResponse(res, async (status, body) => {
      if (status >= 500) await records.deleteOne({ scope, key });
      else await records.updateOne({ scope, key }, { $set: { state: "done", status, body } });
    });
    next();
  };
}

/** Runs `save` with the JSON response before it is sent, so a retry never sees a half-stored key. */
function captureResponse(res: Response, save: (status: number, body: unknown) => Promise<void>): void {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    save(res.statusCode, body).then(
      () => send(body),
      (error: unknown) => {
        res.req.log?.error({ err: error }, "could not store the idempotent response");
        send(body);
      },
    );
    return res;
  };
}

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
