import { z } from "zod";
import { SCHEME_CODE_PATTERN } from "../domain/certification-schemes";
import { STATUS_CHANGE_TARGETS } from "../domain/certification-status-change";
import { SUBJECT_KINDS } from "../domain/certification-typed-data";
import { DEFAULT_SIGNATURE_TTL_SEC, MAX_SIGNATURE_TTL_SEC } from "../certification-status-changes";
import {
  NO_CONTROL_CHARACTERS,
  ethAddress,
  hasControlCharacters,
  hexHash,
  objectId,
  paginationQuery,
  plainText,
} from "../../../platform/http/common.schemas";

/** Unix seconds up to year 10000: a uint64 on chain, a safe integer here. */
const unixSeconds = z.number().int().min(0).max(253_402_300_799);
const signature = z
  .string()
  .regex(/^0x[0-9a-fA-F]{130}$/, "must be a 0x-prefixed 65-byte ECDSA signature (r, s, v)");
/** Signed strings are never trimmed or otherwise changed: the signature covers them byte for byte. */
const reason = z
  .string()
  .max(500)
  .refine((value) => value.trim() !== "", "must not be empty");
const decimalUint = z.string().regex(/^(0|[1-9]\d{0,77})$/, "must be a decimal integer string (uint256)");

export const certifierParams = z.strictObject({ orgId: objectId });

export const registerCertifierBody = z.strictObject({
  name: plainText(200).optional(),
  metadataHash: hexHash.optional(),
});

export const createSchemeBody = z.strictObject({
  code: z
    .string()
    .regex(SCHEME_CODE_PATTERN, "must be 2-40 lowercase letters, digits or -, starting with a letter"),
  name: plainText(200),
  nameEn: plainText(200).optional(),
  description: plainText(2000, { multiline: true }).optional(),
});

export const certificationDomainSchema = z.strictObject({
  name: z.string().max(100),
  version: z.string().max(20),
  chainId: z.number().int().positive(),
  verifyingContract: ethAddress,
});

export const certificationMessageSchema = z
  .strictObject({
    certifier: ethAddress,
    subject: z.strictObject({
      kind: z.enum(SUBJECT_KINDS),
      id: objectId,
      plot: z
        .string()
        .max(200)
        .refine((value) => !hasControlCharacters(value), NO_CONTROL_CHARACTERS),
    }),
    scheme: z.string().regex(SCHEME_CODE_PATTERN, "must be a scheme code such as organic or green-food"),
    certificateNumber: z
      .string()
      .max(100)
      .regex(/^\S(.*\S)?$/, "must be non-empty without leading or trailing spaces"),
    issuedAt: unixSeconds,
    validFrom: unixSeconds,
    validUntil: unixSeconds,
    scope: z.strictObject({
      category: z.union([
        z.literal(""),
        z.string().regex(/^[a-z][a-z_-]{1,39}$/, "must be a product category such as tea"),
      ]),
      regionCodePrefix: z
        .string()
        .regex(/^(\d{2}){0,3}$/, "must be 0, 2, 4 or 6 digits of a GB/T 2260 region code"),
    }),
    quantityCap: z.strictObject({
      amount: decimalUint,
      decimals: z.number().int().min(0).max(18),
      unit: z.union([
        z.literal(""),
        z.string().regex(/^[A-Z0-9]{2,3}$/, "must be a UN/CEFACT Rec 20 unit code such as KGM"),
      ]),
    }),
    evidence: z.array(hexHash).max(50),
    salt: hexHash,
  })
  .superRefine((message, ctx) => {
    const problem = (path: (string | number)[], text: string) =>
      ctx.addIssue({ code: "custom", path, message: text });
    if (message.validUntil < message.validFrom) problem(["validUntil"], "must not be before validFrom");
    if (message.issuedAt > message.validUntil) problem(["issuedAt"], "must not be after validUntil");
    const { kind, plot } = message.subject;
    if (kind === "plot" && plot.trim() === "")
      problem(["subject", "plot"], "must name the plot for a plot subject");
    if (kind !== "plot" && plot !== "")
      problem(["subject", "plot"], "must be empty unless the subject is a plot");
    if (kind === "batch" && (message.scope.category !== "" || message.scope.regionCodePrefix !== "")) {
      problem(["scope"], "must be empty for a batch subject (the batch is named directly)");
    }
    const { amount, unit } = message.quantityCap;
    if ((amount === "0") !== (unit === "")) {
      problem(
        ["quantityCap"],
        'must have both a positive amount and a unit, or amount "0" and unit "" for no cap',
      );
    }
    if (new Set(message.evidence).size !== message.evidence.length)
      problem(["evidence"], "must not repeat a hash");
  });

export const createCertificationBody = z.strictObject({
  domain: certificationDomainSchema,
  message: certificationMessageSchema,
  signature,
});

export const listCertificationsQuery = z.strictObject({ limit: paginationQuery.limit });

export const certificationIdParams = z.strictObject({ id: objectId });

export const statusChangeTemplateQuery = z.strictObject({
  status: z.enum(STATUS_CHANGE_TARGETS),
  reason,
  ttlSec: z.coerce.number().int().min(60).max(MAX_SIGNATURE_TTL_SEC).default(DEFAULT_SIGNATURE_TTL_SEC),
});

export const signedStatusChangeBody = z.strictObject({
  reason,
  nonce: decimalUint,
  deadline: unixSeconds,
  signature,
});
