import { ValidationError } from "../errors";

/** Deeper JSON has no use here and would overflow the recursive checks that run after parsing. */
export const MAX_JSON_DEPTH = 64;

/**
 * What JSON.parse accepts but the service cannot take, as a 400 naming the field: nesting deeper
 * than MAX_JSON_DEPTH, and numbers too large for a double (`1e999` parses to Infinity). Pure, so
 * that worker threads (the capture check) run it too. Undefined when the value is fine.
 */
export function jsonValueProblem(body: unknown): ValidationError | undefined {
  return isPlainJson(body) ? undefined : plainJsonProblem(body);
}

/**
 * Whether the parsed body is within depth and has finite numbers only: the fast check every body
 * gets (no recursion, no allocation per value); plainJsonProblem then names the field.
 */
function isPlainJson(body: unknown): boolean {
  const values: unknown[] = [body];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return false;
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return false;
    const container = value as Record<string, unknown>;
    for (const key in container) {
      const child = container[key];
      if (typeof child === "object" || typeof child === "number") {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}

interface Node {
  value: unknown;
  depth: number;
  parent?: Node;
  key?: string | number;
}

/** The first problem isPlainJson found, with its path (walked without recursion too). */
function plainJsonProblem(body: unknown): ValidationError | undefined {
  const pending: Node[] = [{ value: body, depth: 0 }];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const { value, depth } = node;
    if (typeof value === "number" && !Number.isFinite(value)) {
      return ValidationError.forField(pathOf(node), "must be a finite number (it overflows a 64-bit double)");
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) {
      return ValidationError.forField(pathOf(node), `is nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    for (const [key, child] of Object.entries(value)) {
      pending.push({
        value: child,
        depth: depth + 1,
        parent: node,
        key: Array.isArray(value) ? Number(key) : key,
      });
    }
  }
  return undefined;
}

function pathOf(node: Node): string {
  let path = "";
  for (let at: Node | undefined = node; at?.parent; at = at.parent) {
    path = (typeof at.key === "number" ? `[${at.key}]` : `.${at.key}`) + path;
  }
  return `body${path}`;
}
