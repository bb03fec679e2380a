import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import express, { Router } from "express";
import { z } from "zod";
import { errorHandler } from "../../server/platform/http/error-handler";
import { RouteRegistry } from "../../server/platform/http/route-registry";
import { ForbiddenError, UnauthorizedError } from "../../server/platform/errors";
import { createLogger } from "../../server/platform/logger";
import { http } from "../helpers/http";

type Role = "reader" | "writer";

describe("RouteRegistry", () => {
  let server: Server;
  let baseUrl: string;

  before(async () => {
    // The caller decides how a request is authenticated and what a role check is: here a header.
    const registry = new RouteRegistry<Role>({
      authenticate: (req, res, next) => {
        const role = req.get("x-role");
        if (!role) return next(new UnauthorizedError());
        res.locals.role = role;
        next();
      },
      requireRoles: (roles) => (_req, res, next) =>
        next(roles.includes(res.locals.role as Role) ? undefined : new ForbiddenError("wrong role")),
    });
    const router = Router();
    registry.define(
      router,
      {
        method: "get",
        path: "/items/:id",
        summary: "an item",
        tag: "test",
        access: "public",
        params: z.strictObject({ id: z.string().regex(/^\d+$/).transform(Number) }),
        query: z.strictObject({ limit: z.coerce.number().int().min(1).default(50) }),
        responses: { 200: "the parsed input" },
      },
      (req, res) => {
        // Typed by the schemas: no cast, and numbers where the schemas say so.
        const id: number = req.params.id;
        const limit: number = req.query.limit;
        res.json({ id, limit, types: [typeof id, typeof limit] });
      },
    );
    registry.define(
      router,
      {
        method: "post",
        path: "/items",
        summary: "a new item",
        tag: "test",
        access: { roles: ["writer"] },
        body: z.strictObject({ name: z.string().min(1), tags: z.array(z.string()).default([]) }),
        responses: { 201: "the parsed body" },
      },
      (req, res) => {
        res.status(201).json({ name: req.body.name, tags: req.body.tags });
      },
    );
    const app = express();
    app.use(express.json());
    app.use(router);
    app.use(errorHandler(createLogger("silent")));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  describe("define", () => {
    it("refuses a route that changes something without declaring its body schema", () => {
      const registry = new RouteRegistry<Role>({
        authenticate: (_req, _res, next) => next(),
        requireRoles: () => (_req, _res, next) => next(),
      });
      for (const method of ["post", "put", "patch", "delete"] as const) {
        expect(() =>
          registry.define(Router(), {
            method,
            path: "/things/:id",
            summary: "a change without a body schema",
            tag: "test",
            access: "public",
            responses: { 200: "done" },
          }),
        ).to.throw(`${method.toUpperCase()} /things/:id declares no body schema`);
      }
      expect(registry.specs).to.deep.equal([]);
    });

    it("hands the handler params and query as its schemas parse them (coerced, defaults applied)", async () => {
      const byDefault = await http(baseUrl, "GET", "/items/7");
      expect(byDefault.status, byDefault.text).to.equal(200);
      expect(byDefault.body).to.deep.equal({ id: 7, limit: 50, types: ["number", "number"] });

      const given = await http(baseUrl, "GET", "/items/7?limit=3");
      expect(given.body).to.deep.equal({ id: 7, limit: 3, types: ["number", "number"] });
    });

    it("hands the handler the parsed body", async () => {
      const { status, body } = await http(baseUrl, "POST", "/items", {
        headers: { "x-role": "writer" },
        json: { name: "tea" },
      });
      expect(status).to.equal(201);
      expect(body).to.deep.equal({ name: "tea", tags: [] });
    });

    it("refuses bad input with a 400 naming the field, before the handler runs", async () => {
      const { status, body } = await http(baseUrl, "GET", "/items/7?limit=0");
      expect(status).to.equal(400);
      expect(body.error.message).to.equal("query.limit must be at least 1");
    });

    it("authenticates and checks roles with the functions its caller gave it", async () => {
      const anonymous = await http(baseUrl, "POST", "/items", { json: { name: "tea" } });
      expect(anonymous.status).to.equal(401);
      const reader = await http(baseUrl, "POST", "/items", {
        headers: { "x-role": "reader" },
        json: { name: "tea" },
      });
      expect(reader.status).to.equal(403);
      expect(reader.body.error.message).to.equal("wrong role");
    });
  });
});
