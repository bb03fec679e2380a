import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Request, RequestHandler, Response } from "express";
import type { Connection } from "mongoose";
import { idempotencyRecordModel } from "./idempotency-record.model";
import { AppError, ConflictError, ValidationError } from "../errors";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * How long a claimed key may stay "in progress" before a retry may take it over. Far longer than
 * any request runs (long work answers 202 and goes on in the background); a claim this old
 * belongs to a process that died, and without a takeover the key would answer 409 for ever.
 */
export const STALE_CLAIM_MS = 5 * 60_000;

/**
 * `Idempotency-Key` on POST: the first request with a key claims it atomically (upsert), its
 * response is stored, and retries with the same key and the same request get that response again
 * without storing anything twice. Keys are scoped to the caller's credential (`credentialOf`: the
 * Authorization header unless the application also knows other credentials, such as a session). A 5xx answer frees
 * the key so that the request can be retried, and so does a claim whose process died (see
 * STALE_CLAIM_MS).
 */
export function idempotency(
  connection: Connection,
  credentialOf: (req: Request) => string = (req) => req.headers.authorization ?? "",
): RequestHandler {
  const records = idempotencyRecordModel(connection);
  return async (req, res, next) => {
    const key = req.get("idempotency-key");
    if (req.method !== "POST" || key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      return next(
        ValidationError.forField("header.Idempotency-Key", "must be 1-255 visible ASCII characters"),
      );
    }
    const scope = sha256(credentialOf(req));
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
      if (existing.state !== "done" && !(await tookOverStaleClaim(records, existing))) {
        return next(
          new ConflictError(
            "a request with this Idempotency-Key is still being processed; retry later " +
              `(a claim older than ${STALE_CLAIM_MS / 60_000} minutes, left by a process that died, is taken over)`,
          ),
        );
      }
      if (existing.state !== "done") {
        res.req.log?.warn({ key }, "took over an Idempotency-Key whose request never finished");
        captureResponse(res, saveOutcome(records, scope, key));
        return next();
      }
      res.setHeader("idempotent-replayed", "true");
      return void res.status(existing.status!).json(existing.body);
    }
    captureResponse(res, saveOutcome(records, scope, key));
    next();
  };
}

type Records = ReturnType<typeof idempotencyRecordModel>;

function saveOutcome(records: Records, scope: string, key: string) {
  return async (status: number, body: unknown) => {
    if (status >= 500) await records.deleteOne({ scope, key });
    else await records.updateOne({ scope, key }, { $set: { state: "done", status, body } });
  };
}

/**
 * Takes over a claim older than STALE_CLAIM_MS with a compare-and-set on its claim time, so that
 * of several concurrent retries exactly one proceeds.
 */
async function tookOverStaleClaim(
  records: Records,
  claim: { _id: unknown; createdAt: Date },
): Promise<boolean> {
  const claimedAt = new Date(claim.createdAt);
  if (Date.now() - claimedAt.getTime() < STALE_CLAIM_MS) return false;
  const taken = await records.updateOne(
    { _id: claim._id, state: "in_progress", createdAt: claimedAt },
    { $set: { createdAt: new Date() } },
  );
  return taken.modifiedCount === 1;
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
