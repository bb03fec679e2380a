import type { RequestHandler } from "express";
import { z } from "zod";
import { ValidationError, type FieldProblem } from "../errors";
import { storableJsonProblems } from "../storable-json";

export interface RequestSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/**
 * Validates params, query and body against strict schemas at the edge, and replaces them on the
 * request with their parsed values (defaults applied, strings coerced). Every problem names its
 * field (`body.origin.location.lat`) in `error.details`; the first one is the message.
 */
export function validate(schemas: RequestSchemas): RequestHandler {
  return (req, res, next) => {
    // Any JSON body, before its schema: what is hashed must be what is stored (decision 0017).
    const problems: FieldProblem[] = storableJsonProblems(req.body, "body");
    const validated: Record<string, unknown> = {};
    for (const part of ["params", "query", "body"] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const input = part === "body" && req.body === undefined ? {} : req[part];
      const result = schema.safeParse(input);
      if (result.success) validated[part] = result.data;
      else problems.push(...result.error.issues.flatMap((issue) => toProblems(part, issue)));
    }
    if (problems.length > 0) {
      const [first] = problems;
      next(new ValidationError(`${first.field} ${first.problem}`, problems));
      return;
    }
    if ("params" in validated) req.params = validated.params as typeof req.params;
    if ("body" in validated) req.body = validated.body;
    // Express 5 parses `req.query` from the URL on every read: an own property shadows that getter.
    if ("query" in validated)
      Object.defineProperty(req, "query", { value: validated.query, enumerable: true });
    next();
  };
}

function toProblems(part: string, issue: z.core.$ZodIssue): FieldProblem[] {
  const base = [part, ...issue.path.map(String)];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ field: fieldPath([...base, key]), problem: "is not a known field" }));
  }
  return [{ field: fieldPath(base), problem: describeIssue(issue) }];
}

function fieldPath(segments: string[]): string {
  return segments.reduce((path, segment) =>
    /^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`,
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${article(issue.expected)}`;
    case "too_small":
      return issue.origin === "string"
        ? `must be at least ${issue.minimum} characters long`
        : issue.origin === "array"
          ? `must have at least ${issue.minimum} items`
          : `must be ${issue.inclusive ? "at least" : "greater than"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `must be at most ${issue.maximum} characters long`
        : issue.origin === "array"
          ? `must have at most ${issue.maximum} items`
          : `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
