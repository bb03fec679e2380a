import express, { Router, type RequestHandler } from "express";
import type { ParamsDictionary } from "express-serve-static-core";
import type { ParsedQs } from "qs";
import { z } from "zod";
import { bodyWithinLimit } from "./body-limit";
import { validate } from "./validation";

export interface RouteSpec<
  Role extends string = string,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  /**
   * Public routes need no API key; the others state which roles may call them and how they answer
   * a caller about another organization's data (`others`). Both are checked for every route by the
   * authorization-matrix test, which fails on a route that declares no `others`.
   */
  access: "public" | { roles: readonly Role[] | "any"; others?: OthersRule };
  /** What the route's first path parameter names, when it names something (fixtures of the matrix). */
  resource?: string;
  params?: P;
  query?: Q;
  /** Required on every method but GET (an empty strict schema when it takes no body). */
  body?: B;
  /**
   * Instead of `body`: the body is a file, read as bytes (req.body is a Buffer) before the
   * Idempotency-Key fingerprint is taken; over `megabytes`, a 413 naming the setting `limitKey`.
   */
  fileBody?: { megabytes: number; limitKey: string; description: string };
  /** Top-level response fields holding a secret shown once: never stored for Idempotency-Key replays. */
  secretFields?: readonly string[];
  responses: Record<number, string>;
}

/**
 * How an authenticated route answers a caller that is neither the owner of what it names nor an
 * auditor or admin (decision 0020):
 * - `hidden`: 404, exactly as for an id that does not exist, decided before anything is revealed;
 * - `forbidden`: 403 (the id was the caller's to know: its own organization's, a register's);
 * - `shared`: answered to every caller with the role (a register, public facts);
 * - `none`: the route names nothing owned (creations, lists filtered to the caller, schemes).
 */
export type OthersRule = "hidden" | "forbidden" | "shared" | "none";

/** What a schema parses to; without a schema, what express gives. */
type Parsed<S, Otherwise> = S extends z.ZodType ? z.output<S> : Otherwise;

/** A handler whose `req.params`, `req.query` and `req.body` are the outputs of the route's schemas. */
export type ValidatedHandler<P, Q, B> = RequestHandler<
  Parsed<P, ParamsDictionary>,
  unknown,
  Parsed<B, unknown>,
  Parsed<Q, ParsedQs>
>;

/** How the caller's application authenticates requests and checks roles (the registry knows none). */
export interface RouteAccess<Role extends string> {
  authenticate: RequestHandler;
  requireRoles(roles: readonly Role[]): RequestHandler;
}

/** Makes the Idempotency-Key middleware of one route (idempotency.ts). */
export type IdempotencyFor = (route: { secretFields?: readonly string[] }) => RequestHandler;

/** Routes defined through `define` are validated with their schemas and listed in /openapi.json. */
export class RouteRegistry<Role extends string = string> {
  readonly specs: RouteSpec<Role>[] = [];

  constructor(
    private readonly access: RouteAccess<Role>,
    private readonly idempotencyFor?: IdempotencyFor,
  ) {}

  /**
   * Registers a route: authentication and role check (unless public), validation, a file body,
   * Idempotency-Key handling (authenticated POST routes: after everything that may reject the
   * request, so a rejected request stores nothing), then handlers.
   */
  define<
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(router: Router, spec: RouteSpec<Role, P, Q, B>, ...handlers: ValidatedHandler<P, Q, B>[]): void {
    if (spec.method !== "get" && !spec.body && !spec.fileBody) {
      throw new Error(`${spec.method.toUpperCase()} ${spec.path} declares no body schema`);
    }
    this.specs.push(spec);
    const guards: RequestHandler[] = [];
    if (spec.access !== "public") {
      guards.push(this.access.authenticate);
      if (spec.access.roles !== "any") guards.push(this.access.requireRoles(spec.access.roles));
    }
    // validate() has replaced params, query and body with their parsed values by the time the
    // handlers run: the one place where express's untyped request meets the schemas' types.
    const edge: RequestHandler[] = [validate(spec)];
    if (spec.fileBody) {
      const { megabytes, limitKey } = spec.fileBody;
      const raw = express.raw({ type: () => true, limit: megabytes * 2 ** 20 });
      edge.push(bodyWithinLimit(raw, { key: limitKey, megabytes }));
    }
    if (spec.method === "post" && spec.access !== "public" && this.idempotencyFor) {
      edge.push(this.idempotencyFor({ secretFields: spec.secretFields }));
    }
    router[spec.method](spec.path, ...guards, ...edge, ...(handlers as RequestHandler[]));
  }

  /** The OpenAPI 3.1 document; `session`, when given, is a cookie that authenticates like the key. */
  openApiDocument(info: {
    title: string;
    version: string;
    serverUrl: string;
    session?: { cookie: string; description: string };
  }) {
    const security = info.session ? [{ apiKey: [] }, { session: [] }] : [{ apiKey: [] }];
    const paths: Record<string, Record<string, unknown>> = {};
    for (const spec of this.specs) {
      const openApiPath = spec.path.replace(/:(\w+)/g, "{$1}");
      paths[openApiPath] ??= {};
      paths[openApiPath][spec.method] = {
        summary: spec.summary,
        tags: [spec.tag],
        security: spec.access === "public" ? [] : security,
        ...(spec.access !== "public" && spec.access.roles !== "any"
          ? { description: `Roles: ${spec.access.roles.join(", ")}` }
          : {}),
        parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
        ...(spec.body
          ? {
              requestBody: {
                required: true,
                content: { "application/json": { schema: jsonSchema(spec.body) } },
              },
            }
          : {}),
        ...(spec.fileBody
          ? {
              requestBody: {
                required: true,
                description: spec.fileBody.description,
                content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
              },
            }
          : {}),
        responses: Object.fromEntries(
          Object.entries(spec.responses).map(([status, description]) => [status, { description }]),
        ),
      };
    }
    return {
      openapi: "3.1.0",
      info: { title: info.title, version: info.version },
      servers: [{ url: info.serverUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "EcoTrace API key" },
          ...(info.session
            ? {
                session: {
                  type: "apiKey",
                  in: "cookie",
                  name: info.session.cookie,
                  description: info.session.description,
                },
              }
            : {}),
        },
      },
      paths,
    };
  }
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodType | undefined, location: "path" | "query") {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}
