import type { ErrorRequestHandler, RequestHandler } from "express";
import { AppError, NotFoundError } from "../errors";
import type { Logger } from "../logger";

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  code?: string;
}

/** Turns any thrown error into `{ error: { code, message, details } }`; bad input is never a 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    if (appError) {
      res.status(appError.httpStatus).json({
        error: { code: appError.code, message: appError.message, details: appError.details },
      });
      return;
    }
    (req.log ?? logger).error({ err: error }, "unhandled error");
    res.status(500).json({ error: { code: "INTERNAL", message: "internal error; see the service log" } });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError("route", `${req.method} ${req.path}`));
};

function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  // The router decodes path parameters; malformed percent-encoding (`/21/%ZZ`) is the client's.
  if (error instanceof URIError && (error as BodyParserError).status === 400) {
    return new AppError("MALFORMED_URL", "the URL path is not valid percent-encoding", 400);
  }
  const bodyError = error as BodyParserError;
  switch (bodyError?.type) {
    case "entity.parse.failed":
      return new AppError("MALFORMED_JSON", `request body is not valid JSON: ${bodyError.message}`, 400);
    case "entity.too.large":
      return new AppError(
        "BODY_TOO_LARGE",
        `request body exceeds the limit of ${bodyError.limit} bytes`,
        413,
      );
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError("UNSUPPORTED_ENCODING", bodyError.message, 415);
    default:
      // zlib's own errors: a body that does not decompress as its Content-Encoding says.
      if (typeof bodyError?.code === "string" && bodyError.code.startsWith("Z_")) {
        return new AppError(
          "MALFORMED_CONTENT_ENCODING",
          `request body does not decode as its Content-Encoding says: ${bodyError.message}`,
          400,
        );
      }
      return undefined;
  }
}
