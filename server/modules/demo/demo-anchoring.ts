import type { DemoClient, Json } from "./demo-client";

const COMPLETION_TIMEOUT_MS = 120_000;
const POLL_MS = 100;

/**
 * Anchors every pending event and waits until each window is completed (its events carry their
 * anchor reference), so consumer pages show `verified` at once. `POST /api/anchors/run?wait=true`
 * answers when the window is confirmed on chain; completion follows a moment later.
 */
export async function anchorEverything(client: DemoClient, adminKey: string): Promise<Json[]> {
  const windows: Json[] = [];
  for (let round = 0; round < 5; round++) {
    const run = await client.post(adminKey, "/api/anchors/run?wait=true");
    if (run.status !== "confirmed") return windows;
    windows.push(await untilCompleted(client, adminKey, run.windowId));
  }
  throw new Error("events kept arriving while the demo anchored them; is something else writing?");
}

async function untilCompleted(client: DemoClient, adminKey: string, windowId: string): Promise<Json> {
  const deadline = Date.now() + COMPLETION_TIMEOUT_MS;
  for (;;) {
    const { items } = await client.get(adminKey, "/api/anchors?limit=20");
    const window = (items as Json[]).find((item) => item.id === windowId);
    if (window?.state === "completed") return window;
    if (Date.now() > deadline) {
      throw new Error(
        `anchoring window ${windowId} is ${window?.state ?? "gone"}, not completed, after 120 s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
