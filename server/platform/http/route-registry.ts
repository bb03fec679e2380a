import { Router, type RequestHandler } from "express";
import { z } from "zod";
import type { OrganizationRole } from "../../modules/organizations/domain/organization-role";
import { requireRoles } from "../../modules/organizations/http/auth.middleware";
import { validate, type RequestSchemas } from "./validation";

export interface RouteSpec extends RequestSchemas {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  /** Public routes need no API key; the others document which roles may call them. */
  access: "public" | { roles: readonly OrganizationRole[] | "any" };
  responses: Record<number, string>;
}

/** Routes defined through `define` are validated with their schemas and listed in /openapi.json. */
export class RouteRegistry {
  readonly specs: RouteSpec[] = [];

  constructor(private readonly authenticate: RequestHandler) {}

  /** Registers a route: authentication and role check (unless public), validation, then handlers. */
  define(router: Router, spec: RouteSpec, ...handlers: RequestHandler[]): void {
    this.specs.push(spec);
    const guards: RequestHandler[] = [];
    if (spec.access !== "public") {
      guards.push(this.authenticate);
      if (spec.access.roles !== "any") guards.push(requireRoles(spec.access.roles));
    }
    router[spec.method](spec.path, ...guards, validate(spec), ...handlers);
  }

  openApiDocument(info: { title: string; version: string; serverUrl: string }) {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const spec of this.specs) {
      const openApiPath = spec.path.replace(/:(\w+)/g, "{$1}");
      paths[openApiPath] ??= {};
      paths[openApiPath][spec.method] = {
        summary: spec.summary,
        tags: [spec.tag],
        security: spec.access === "public" ? [] : [{ apiKey: [] }],
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
        securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "EcoTrace API key" } },
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
