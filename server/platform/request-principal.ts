import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Who exactly made the current request: a console member or an API key. Authentication sets it
 * for the rest of the request (and the work it starts), so that records noting their author
 * (ledger events) get it without every use case passing one more argument along.
 */
export interface Principal {
  kind: "member" | "apiKey";
  id: string;
}

const current = new AsyncLocalStorage<Principal>();

export function runAsPrincipal<T>(principal: Principal, work: () => T): T {
  return current.run(principal, work);
}

/** The request's principal; undefined outside a request (workers, scripts, start-up). */
export function currentPrincipal(): Principal | undefined {
  return current.getStore();
}
