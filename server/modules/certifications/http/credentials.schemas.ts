import { z } from "zod";
import { hexHash, safeJsonObject } from "../../../platform/http/common.schemas";
import { SCHEME_CODE_PATTERN } from "../domain/certification-schemes";

export const certHashParams = z.strictObject({
  certHash: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(hexHash),
});

export const schemeParams = z.strictObject({
  scheme: z.string().regex(SCHEME_CODE_PATTERN, "must be a scheme code"),
});

const text = (max: number) => z.string().trim().min(1).max(max);

export const schemeEquivalentsBody = z.strictObject({
  equivalents: z
    .array(
      z.strictObject({
        id: text(300),
        name: text(200),
        jurisdiction: text(100),
        basis: text(1000).optional(),
      }),
    )
    .max(50),
});

/** A credential to check: any JSON object (the checker names what is wrong with it). */
export const verifyCredentialBody = z.strictObject({ credential: safeJsonObject });
