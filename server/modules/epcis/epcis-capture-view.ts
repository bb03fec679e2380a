import type { EpcisCaptureDoc } from "./data/epcis-capture.model";

/** API shape of a capture: its id, state and what each event became. */
export function captureView(capture: EpcisCaptureDoc, replayed: boolean) {
  // A resumed capture may report an event found stored twice: keep one result per event.
  const events = [...new Map(capture.results.map((result) => [result.index, result])).values()].sort(
    (a, b) => a.index - b.index,
  );
  return {
    captureId: capture._id.toHexString(),
    state: capture.state,
    replayed,
    eventCount: capture.eventCount,
    recorded: events.length,
    events,
    ...(capture.failure ? { failure: capture.failure } : {}),
    createdAt: new Date(capture.createdAt).toISOString(),
    ...(capture.finishedAt ? { finishedAt: new Date(capture.finishedAt).toISOString() } : {}),
  };
}

export type CaptureView = ReturnType<typeof captureView>;
