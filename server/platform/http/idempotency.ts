import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import type { Connection } from "mongoose";
import { idempotencyRecordModel } from "./idempotency-record.model";
import { ExpiredDocumentSweeper } from "../mongo/expired-documents";
import { AppError, ValidationError } from "../errors";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * How long a claimed key may stay "in progress" before a retry may take it over. Far longer than
 * any request runs (long work answers 202 and goes on in the background); a claim this old
 * belongs to a process that died, and without a takeover the key would answer 409 for ever.
 */
export const STALE_CLAIM_MS = 5 * 60_000;

/** What the idempotency middleware needs from the application. */
export interface IdempotencyOptions {
  /** How long a key is remembered (then a request with it is new again). */
  ttlMs: number;
  /** The authenticated caller (organization and key): keys are scoped to it. */
  scopeOf(res: Response): string;
}

/** Per route: top-level response fields holding a secret that is shown once (never stored). */
export interface IdempotentRoute {
  secretFields?: readonly string[];
}

/**
 * `Idempotency-Key` on POST, for authenticated callers (the route registry puts it after
 * authentication and validation, so an unknown or revoked key and a rejected body store nothing):
 * the first request with a key claims it atomically (upsert), its response is stored, and retries
 * with the same key and the same request get that response again without storing anything twice.
 * Keys are scoped to the caller's organization and API key and expire after `ttlMs`. The
 * fingerprint covers method, URL and the whole body as received (JSON or file bytes). A response
 * holding a secret (a new API key) is stored without it and a retry answers 409 saying so. A 5xx
 * answer frees the key so that the request can be retried, and so does a claim whose process died
 * (see STALE_CLAIM_MS).
 */
export function idempotency(
  connection: Connection,
  options: IdempotencyOptions,
): (route: IdempotentRoute) => RequestHandler {
  const records = idempotencyRecordModel(connection);
  const sweeper = new ExpiredDocumentSweeper(records, "expiresAt");
  return (route) => async (req, res, next) => {
    const key = req.get("idempotency-key");
    if (req.method !== "POST" || key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      return next(
        ValidationError.forField("header.Idempotency-Key", "must be 1-255 visible ASCII characters"),
      );
    }
    sweeper.sweep((error) => req.log?.warn({ err: error }, "could not sweep expired Idempotency-Keys"));
    const scope = options.scopeOf(res);
    const fingerprint = sha256(`${req.method} ${req.originalUrl} ${bodyDigest(req)}`);
    const now = new Date();
    // An expired record is forgotten even where no TTL monitor has deleted it yet.
    await records.deleteOne({ scope, key, expiresAt: { $lte: now } });
    const expiresAt = new Date(now.getTime() + options.ttlMs);
    const existing = await records
      .findOneAndUpdate(
        { scope, key },
        { $setOnInsert: { scope, key, fingerprint, state: "in_progress", createdAt: now, expiresAt } },
        { upsert: true, new: false },
      )
      .lean();
    const save = saveOutcome(records, scope, key, route.secretFields ?? []);
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
          // Its own code: a client retrying drafts tells "try again later" from a refusal (a 409 duplicate lot).
          new AppError(
            "IDEMPOTENCY_KEY_IN_PROGRESS",
            "a request with this Idempotency-Key is still being processed; retry later " +
              `(a claim older than ${STALE_CLAIM_MS / 60_000} minutes, left by a process that died, is taken over)`,
            409,
          ),
        );
      }
      if (existing.state !== "done") {
        res.req.log?.warn({ key }, "took over an Idempotency-Key whose request never finished");
        captureResponse(res, save);
        return next();
      }
      res.setHeader("idempotent-replayed", "true");
      if (existing.secretWithheld) return next(secretNotReplayed(existing.status!, existing.body));
      return void res.status(existing.status!).json(existing.body);
    }
    captureResponse(res, save);
    next();
  };
}

function secretNotReplayed(status: number, body: unknown): AppError {
  return new AppError(
    "IDEMPOTENT_SECRET_NOT_REPLAYED",
    "the request with this Idempotency-Key succeeded before; the secret it issued is shown only once " +
      "and is not stored: revoke or rotate that key if it was lost (details.response: the rest of the answer)",
    409,
    { status, response: body },
  );
}

/**
 * The digest of the request body's bytes as received (after decompression), recorded by the body
 * parser; a file upload arrives as a Buffer. Whitespace and key order count: a retry sends the
 * same bytes.
 */
const bodyDigests = new WeakMap<IncomingMessage, string>();

/** Called by the JSON body parser with the raw bytes of a request that carries an Idempotency-Key. */
export function rememberBodyBytes(req: IncomingMessage, bytes: Buffer): void {
  if (req.headers["idempotency-key"] !== undefined) bodyDigests.set(req, sha256(bytes));
}

function bodyDigest(req: Request): string {
  if (Buffer.isBuffer(req.body)) return sha256(req.body);
  return bodyDigests.get(req) ?? "";
}

type Records = ReturnType<typeof idempotencyRecordModel>;

function saveOutcome(records: Records, scope: string, key: string, secretFields: readonly string[]) {
  return async (status: number, body: unknown) => {
    if (status >= 500) {
      await records.deleteOne({ scope, key });
      return;
    }
    const withheld =
      body !== null && typeof body === "object" ? secretFields.filter((field) => field in body) : [];
    const stored = withheld.length > 0 ? omit(body as Record<string, unknown>, withheld) : body;
    await records.updateOne(
      { scope, key },
      { $set: { state: "done", status, body: stored, secretWithheld: withheld.length > 0 } },
    );
  };
}

function omit(body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([field]) => !fields.includes(field)));
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

function sha256(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}
