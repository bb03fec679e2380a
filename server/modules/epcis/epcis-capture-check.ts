import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { declaredPrefixes, prefixConflict } from "./domain/json-ld-context";
import { epcisSchemaProblems } from "./domain/json-schema";
import type { EpcisEvent } from "./domain/to-epcis";
import { AppError, LimitExceededError, ValidationError } from "../../platform/errors";
import { timeSlicer } from "../../platform/threads/time-slice";

/**
 * The checks of a capture document that need no database, in the order they are cheapest to fail:
 * its event count (CAPTURE_MAX_EVENTS), GS1's official schema, the document type and its JSON-LD
 * context; then its identity, the SHA-256 of its canonical form. CPU-heavy for a big document
 * (seconds for thousands of events), so the service runs it in the worker pool
 * (epcis-capture-check.task.ts, decision 0021).
 */
export interface CheckedCapture {
  document: Record<string, unknown>;
  documentHash: string;
}

export function checkCaptureDocument(document: unknown, limits: { maxEvents: number }): CheckedCapture {
  const eventList = (document as { epcisBody?: { eventList?: unknown } } | null)?.epcisBody?.eventList;
  if (Array.isArray(eventList) && eventList.length > limits.maxEvents) {
    throw new LimitExceededError(
      "CAPTURE_MAX_EVENTS",
      `the document carries ${eventList.length} events; split it into several captures`,
      { allowed: limits.maxEvents, actual: eventList.length },
    );
  }
  assertCapturable(document);
  const documentHash = createHash("sha256")
    .update(canonicalize(document) ?? "")
    .digest("hex");
  return { document: document as Record<string, unknown>, documentHash };
}

/**
 * A checked document as the worker sends it back: its events as JSON texts, one each. Cloning a
 * 5,000-event object tree into the event loop's thread would hold the loop for the whole document
 * at once (hundreds of milliseconds at 16 MB); texts copy as bytes and are parsed there in slices.
 */
export interface CheckedCaptureTexts {
  head: Record<string, unknown>;
  eventTexts: string[];
  documentHash: string;
}

export function toCaptureTexts({ document, documentHash }: CheckedCapture): CheckedCaptureTexts {
  const body = document.epcisBody as Record<string, unknown>;
  const eventList = body.eventList as unknown[];
  return {
    head: { ...document, epcisBody: { ...body, eventList: [] } },
    eventTexts: eventList.map((event) => JSON.stringify(event)),
    documentHash,
  };
}

/** The checked document again, its events parsed in slices of the event loop's time. */
export async function fromCaptureTexts({
  head,
  eventTexts,
  documentHash,
}: CheckedCaptureTexts): Promise<CheckedCapture> {
  const eventList: unknown[] = [];
  const pause = timeSlicer();
  for (const text of eventTexts) {
    await pause();
    eventList.push(JSON.parse(text));
  }
  const body = head.epcisBody as Record<string, unknown>;
  return { document: { ...head, epcisBody: { ...body, eventList } }, documentHash };
}

/** The events of a checked document. */
export function capturedEvents(document: Record<string, unknown>): EpcisEvent[] {
  return (document as { epcisBody: { eventList: EpcisEvent[] } }).epcisBody.eventList;
}

function assertCapturable(document: unknown): void {
  const problems = epcisSchemaProblems(document);
  if (problems.length > 0) {
    const details = problems.map((problem) => ({
      field: `body${problem.path.replace(/\//g, ".").replace(/\.$/, "")}`,
      problem: problem.problem,
    }));
    throw new ValidationError(
      `the document is not valid EPCIS 2.0 JSON (GS1's schema): ${details[0].field} ${details[0].problem}`,
      details,
    );
  }
  const doc = document as { type?: unknown };
  if (doc.type !== "EPCISDocument") {
    throw new AppError(
      "NOT_A_CAPTURE_DOCUMENT",
      `capture takes an EPCISDocument; this is an ${String(doc.type)}, which answers a query`,
      422,
    );
  }
  const conflict = prefixConflict(declaredPrefixes((document as Record<string, unknown>)["@context"]));
  if (conflict) throw new AppError("CONTEXT_CONFLICT", conflict, 422);
}
