import { Router, type RequestHandler } from "express";
import type { ParamsDictionary } from "express-serve-static-core";
import type { ParsedQs } from "qs";
import { z } from "zod";
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
  /** Public routes need no API key; the others document which roles may call them. */
  access: "public" | { roles: readonly Role[] | "any" };
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, string>;
}

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

/** Routes defined through `define` are validated with their schemas and listed in /openapi.json. */
export class RouteRegistry<Role extends string = string> {
  readonly specs: RouteSpec<Role>[] = [];

  constructor(private readonly access: RouteAccess<Role>) {}

  /** Registers a route: authentication and role check (unless public), validation, then handlers. */
  define<
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(router: Router, spec: RouteSpec<Role, P, Q, B>, ...handlers: ValidatedHandler<P, Q, B>[]): void {
    this.specs.push(spec);
    const guards: RequestHandler[] = [];
    if (spec.access !== "public") {
      guards.push(this.access.authenticate);
      if (spec.access.roles !== "any") guards.push(this.access.requireRoles(spec.access.roles));
    }
    // validate() has replaced params, query and body with their parsed values by the time the
    // handlers run: the one place where express's untyped request meets the schemas' types.
    router[spec.method](spec.path, ...guards, validate(spec), ...(handlers as RequestHandler[]));
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
