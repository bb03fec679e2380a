import { useEffect, useRef, useSyncExternalStore } from "react";
import { api, ApiError, describeError } from "../api/api-client";

/**
 * Records made in the field are written here first (an outbox in localStorage, per member) and
 * then sent, each with its own Idempotency-Key: a draft whose answer was lost (connection dropped
 * after the server stored it) is sent again with the same key, and the server answers with what it
 * stored the first time instead of recording it twice (docs/api.md#idempotency). Drafts survive a
 * reload; they are sent when the browser reports the connection is back, when a screen that shows
 * them opens, and again after a failed attempt.
 */
export interface Draft {
  /** Also the Idempotency-Key. */
  key: string;
  owner: string;
  path: string;
  body: unknown;
  what: { kind: "event"; batchId: string; type: string } | { kind: "harvest"; name: string };
  createdAt: string;
  /** The API refused it (4xx): kept for the person to read, never sent again. */
  problem?: string;
}

const STORAGE_KEY = "ecotrace.drafts";
const RETRY_MS = [2_000, 5_000, 15_000, 60_000];
const listeners = new Set<() => void>();
let snapshot: Draft[] = read();
let sending = false;
/** Keys being sent right now (by sendOrKeep or sendDrafts): never sent twice at once. */
const inFlight = new Set<string>();
let failures = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function read(): Draft[] {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]") as Draft[];
  } catch {
    return [];
  }
}

function write(drafts: Draft[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(drafts));
  snapshot = drafts;
  listeners.forEach((listener) => listener());
}

function update(key: string, change: (draft: Draft) => Draft | null): void {
  write(read().flatMap((draft) => (draft.key === key ? (change(draft) ?? []) : [draft])));
}

/** 128 random bits in hex: crypto.randomUUID exists only on https, a field laptop may use http. */
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `draft-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * A failure worth trying again later: no connection, a busy or failing server, the same key still
 * running, or a session that ended while the phone was offline (sent once the member logs in again).
 */
function isTransient(failure: unknown): boolean {
  if (!(failure instanceof ApiError)) return true;
  return (
    failure.status >= 500 ||
    [401, 408, 429].includes(failure.status) ||
    failure.code === "IDEMPOTENCY_KEY_IN_PROGRESS"
  );
}

async function post<T>(draft: Draft): Promise<T> {
  inFlight.add(draft.key);
  try {
    return await api<T>("POST", draft.path, draft.body, { "idempotency-key": draft.key });
  } finally {
    inFlight.delete(draft.key);
  }
}

/**
 * Keeps the record as a draft, then tries to send it. Answers the API's answer when it went
 * through, `kept` when it waits for the connection; throws the API's refusal (the draft is dropped,
 * the form still holds what was typed).
 */
export async function sendOrKeep<T>(
  draft: Omit<Draft, "key" | "createdAt">,
): Promise<{ sent: T } | { kept: Draft }> {
  const kept: Draft = { ...draft, key: newKey(), createdAt: new Date().toISOString() };
  write([...read(), kept]);
  try {
    const sent = await post<T>(kept);
    update(kept.key, () => null);
    return { sent };
  } catch (failure) {
    if (isTransient(failure)) {
      scheduleRetry(kept.owner);
      return { kept };
    }
    update(kept.key, () => null);
    throw failure;
  }
}

/** Sends every draft of `owner` in the order they were made; stops at the first transient failure. */
export async function sendDrafts(owner: string): Promise<void> {
  if (sending) return;
  sending = true;
  try {
    for (const draft of read().filter(
      (item) => item.owner === owner && !item.problem && !inFlight.has(item.key),
    )) {
      try {
        await post(draft);
        update(draft.key, () => null);
        failures = 0;
      } catch (failure) {
        if (isTransient(failure)) {
          failures++;
          scheduleRetry(owner);
          return;
        }
        update(draft.key, (stored) => ({ ...stored, problem: describeError(failure) }));
      }
    }
  } finally {
    sending = false;
  }
}

function scheduleRetry(owner: string): void {
  if (retryTimer) return;
  const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    if (navigator.onLine) void sendDrafts(owner);
  }, delay);
}

export function discardDraft(key: string): void {
  update(key, () => null);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The member's drafts, live; while a screen using it is open, drafts are sent when the connection
 * returns (the browser's `online` event) and once when the screen opens.
 */
export function useDrafts(owner: string): Draft[] {
  const drafts = useSyncExternalStore(subscribe, () => snapshot);
  useEffect(() => {
    const online = () => void sendDrafts(owner);
    window.addEventListener("online", online);
    if (navigator.onLine) online();
    return () => window.removeEventListener("online", online);
  }, [owner]);
  return drafts.filter((draft) => draft.owner === owner);
}

/**
 * Calls `reload` when fewer drafts wait than at the last render (the server answered: stored or
 * refused) and when the connection returns (what was read while offline failed).
 */
export function useReloadWhenBack(drafts: Draft[], reload: () => void): void {
  const waiting = drafts.filter((draft) => !draft.problem).length;
  const before = useRef(waiting);
  useEffect(() => {
    if (waiting < before.current) reload();
    before.current = waiting;
  });
  useEffect(() => {
    window.addEventListener("online", reload);
    return () => window.removeEventListener("online", reload);
  }, [reload]);
}
