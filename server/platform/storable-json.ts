import type { FieldProblem } from "./errors";

/**
 * Whether a parsed JSON value is stored exactly as it is hashed (decision 0017). Event bodies are
 * hashed from the request's JSON and then written to MongoDB; a value that does not survive that
 * write unchanged makes the stored record disagree with its anchored hash for ever. Refused:
 *
 * - keys that name a member of `Object.prototype` (`__proto__`, `constructor`, `toString`,
 *   `hasOwnProperty`, …) and `prototype`: JSON.parse makes `__proto__` an own key, which the hash
 *   includes but an object copy on the way to the database (`copy[key] = value`) turns into a
 *   prototype change, so the key vanishes; and the embedded engine, once it updates such a
 *   document (anchoring does), returns an object inside an array under `toString` or
 *   `constructor` as raw BSON bytes. No EcoTrace record needs these names.
 * - keys containing U+0000: BSON field names are NUL-terminated.
 * - unpaired UTF-16 surrogates in keys or strings: UTF-8 cannot encode them, so two different
 *   strings would hash alike.
 */
export const OBJECT_INTERNAL_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  "prototype",
]);

const LONE_SURROGATE = /\p{Surrogate}/u;

/** Every problem in `value`, each naming its path from `path` (`body.data.__proto__`). */
export function storableJsonProblems(value: unknown, path: string): FieldProblem[] {
  if (typeof value === "string") {
    return LONE_SURROGATE.test(value)
      ? [{ field: path, problem: "must not contain unpaired UTF-16 surrogates" }]
      : [];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => storableJsonProblems(item, `${path}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.keys(value).flatMap((key) => {
    const keyProblem = storableKeyProblem(key);
    if (keyProblem) return [{ field: isPrintableKey(key) ? `${path}.${key}` : path, problem: keyProblem }];
    return storableJsonProblems((value as Record<string, unknown>)[key], `${path}.${key}`);
  });
}

/** Why an object key cannot be stored as it is hashed, or null. */
export function storableKeyProblem(key: string): string | null {
  if (OBJECT_INTERNAL_KEYS.has(key))
    return "is not allowed as a key: __proto__, constructor, prototype, toString and the other names of JavaScript object internals are refused";
  if (key.includes("\u0000"))
    return "has a key containing the NUL character, which the database cannot store";
  if (LONE_SURROGATE.test(key)) return "has a key that must not contain unpaired UTF-16 surrogates";
  return null;
}

/** Whether a key can be shown in a field path (one with NUL or a lone surrogate is named by its parent). */
export function isPrintableKey(key: string): boolean {
  return !key.includes("\u0000") && !LONE_SURROGATE.test(key);
}
