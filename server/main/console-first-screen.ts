import type { Request } from "express";
import { batchListFor, renderBatchListFirstScreen } from "../modules/batches";
import type { SessionAuthenticator } from "../modules/organizations";
import type { HttpDeps } from "../modules/http-deps";

/** Organization roles whose console opens on the batch list (console/src/shell/navigation.ts). */
const BATCH_LIST_ROLES = ["producer", "processor", "logistics", "retailer"];
/** As many batches as the console's batch list asks for. */
const LISTED = 100;

/**
 * The console's server-rendered first screen (decision 0030): for a logged-in member of a supply
 * chain organization opening the console's home or batch list, their batches as `GET /api/batches`
 * answers them, so a phone on a slow network sees its list with the page; null otherwise (the
 * app renders as before). The session is checked as for any API call.
 */
export function consoleFirstScreen(deps: HttpDeps, sessions: SessionAuthenticator) {
  return async (req: Request, nonce: string): Promise<string | null> => {
    if (req.path !== "/" && req.path !== "/batches") return null;
    const token = (req.cookies as Record<string, unknown> | undefined)?.[sessions.cookieName];
    if (typeof token !== "string" || token === "") return null;
    const session = await sessions.resolve(token);
    if (typeof session === "string") return null;
    if (!session.actor.roles.some((role) => BATCH_LIST_ROLES.includes(role))) return null;
    const page = await batchListFor(
      deps.useCaseContext,
      session.actor,
      { limit: LISTED },
      deps.config.PUBLIC_BASE_URL,
    );
    return renderBatchListFirstScreen(page.items, nonce);
  };
}
