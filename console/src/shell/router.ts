import { useSyncExternalStore } from "react";

/**
 * Client-side navigation under /console with the History API: the service answers every
 * /console/* path with index.html, so a reload or a shared link opens the same screen.
 */
export const BASE = "/console";

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

/** The current path below /console ("/batches/42"), "/" at the root. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname.slice(BASE.length) || "/");
}

export function navigate(to: string): void {
  window.history.pushState(null, "", BASE + to);
  listeners.forEach((listener) => listener());
}

/** `match("/batches/:id", "/batches/42")` → { id: "42" }; null when the path does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const patternParts = pattern.split("/").filter(Boolean);
  const pathParts = path.split("/").filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(pathParts[index]);
    else if (part !== pathParts[index]) return null;
  }
  return params;
}
