import { AppError } from "../../platform/errors";
import { jsonValueProblem } from "../../platform/http/plain-json";
import { offThreadTask } from "../../platform/threads/off-thread-result";
import { checkCaptureDocument, toCaptureTexts } from "./epcis-capture-check";

/**
 * Runs in the worker pool (decision 0021): parsing, schema-validating and hashing a capture of
 * thousands of events took seconds on the event loop (a 30 MB capture kept /healthz waiting 4 s).
 */
export interface CaptureCheckTask {
  body: Uint8Array;
  maxEvents: number;
}

export const checkCaptureBody = offThreadTask(({ body, maxEvents }: CaptureCheckTask) => {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString("utf8"));
  } catch (error) {
    throw new AppError("MALFORMED_JSON", `request body is not valid JSON: ${(error as Error).message}`, 400);
  }
  // Before the schema check, whose recursion a 10,000-deep document would overflow.
  const problem = jsonValueProblem(document);
  if (problem) throw problem;
  return toCaptureTexts(checkCaptureDocument(document, { maxEvents }));
});
