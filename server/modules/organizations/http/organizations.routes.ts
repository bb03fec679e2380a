import { emptyBody } from "../../../platform/http/common.schemas";
import { Router } from "express";
import {
  createApiKey,
  createOrganization,
  directoryOf,
  getOrganization,
  listApiKeys,
  listOrganizations,
  revokeApiKey,
  rotateApiKey,
  setPublicContact,
} from "../organizations";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf, type ApiKeyCache } from "./auth.middleware";
import { assertManagesOrganization, assertSameTenant, canSeeAll } from "../domain/actor";
import { CUSTODY_ROLES } from "../domain/organization-role";
import {
  createOrganizationBody,
  directoryQuery,
  orgIdParams,
  orgKeyParams,
  publicContactBody,
} from "./organizations.schemas";

export function organizationRoutes(deps: HttpDeps, registry: ApiRegistry, apiKeys: ApiKeyCache): Router {
  const router = Router();
  const { connection } = deps;
  const tag = "organizations";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/orgs",
      summary: "Create an organization and its first API key (shown once)",
      tag,
      access: { roles: ["admin"], others: "none" },
      body: createOrganizationBody,
      secretFields: ["apiKey"],
      responses: {
        201: "created: { id, name, roles, address?, apiKey }",
        400: "invalid field",
        403: "not admin",
      },
    },
    async (req, res) => {
      const { body } = req;
      res.status(201).json(await createOrganization(connection, body));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/orgs",
      summary: "List organizations",
      tag,
      access: { roles: "any", others: "none" },
      responses: { 200: "organizations" },
    },
    async (_req, res) => {
      const actor = actorOf(res);
      const items = await listOrganizations(connection, canSeeAll(actor) ? {} : { ids: [actor.orgId] });
      res.json({ items });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/organizations/directory",
      summary:
        "Find a transfer recipient: organizations with a custody role whose name contains `q` (id, name, custody roles only)",
      tag,
      access: { roles: CUSTODY_ROLES, others: "shared" },
      query: directoryQuery,
      responses: { 200: "{ items: [{ id, name, roles }] } by name, the caller left out" },
    },
    async (req, res) => {
      const { query } = req;
      res.json({ items: await directoryOf(connection, actorOf(res).orgId, query) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/orgs/:id",
      summary: "Get an organization",
      tag,
      access: { roles: "any", others: "forbidden" },
      resource: "organization",
      params: orgIdParams,
      responses: { 200: "organization", 404: "unknown" },
    },
    async (req, res) => {
      const { params } = req;
      assertSameTenant(actorOf(res), [params.id], "the organization");
      res.json(await getOrganization(connection, params.id));
    },
  );

  registry.define(
    router,
    {
      method: "put",
      path: "/api/orgs/:id/contact",
      summary: "Set the public contact shoppers see (recall banners): { phone?, email? }; neither removes it",
      tag,
      access: { roles: "any", others: "forbidden" },
      resource: "organization",
      params: orgIdParams,
      body: publicContactBody,
      responses: {
        200: "the organization with its publicContact",
        400: "invalid phone or email (the field is named)",
        403: "another organization, or a member who is not its admin",
      },
    },
    async (req, res) => {
      const { params, body } = req;
      assertManagesOrganization(actorOf(res), params.id);
      res.json(
        await setPublicContact(connection, params.id, {
          phone: body.phone ?? undefined,
          email: body.email ?? undefined,
        }),
      );
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/orgs/:id/keys",
      summary: "List API keys (prefix only)",
      tag,
      access: { roles: "any", others: "forbidden" },
      resource: "organization",
      params: orgIdParams,
      responses: { 200: "keys" },
    },
    async (req, res) => {
      const { params } = req;
      assertManagesOrganization(actorOf(res), params.id);
      res.json({ items: await listApiKeys(connection, params.id) });
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/orgs/:id/keys",
      summary: "Issue an additional API key (shown once)",
      tag,
      access: { roles: "any", others: "forbidden" },
      resource: "organization",
      params: orgIdParams,
      body: emptyBody,
      responses: { 201: "new key" },
      secretFields: ["apiKey"],
    },
    async (req, res) => {
      const { params } = req;
      assertManagesOrganization(actorOf(res), params.id);
      res.status(201).json(await createApiKey(connection, params.id));
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/orgs/:id/keys/:keyId/rotate",
      summary: "Replace a key: issue a new one, revoke the old",
      tag,
      access: { roles: "any", others: "forbidden" },
      resource: "organization",
      params: orgKeyParams,
      body: emptyBody,
      responses: { 201: "new key and the revoked one" },
      secretFields: ["apiKey"],
    },
    async (req, res) => {
      const { params } = req;
      assertManagesOrganization(actorOf(res), params.id);
      const rotated = await rotateApiKey(connection, params.id, params.keyId);
      apiKeys.clear();
      res.status(201).json(rotated);
    },
  );

  registry.define(
    router,
    {
      method: "delete",
      path: "/api/orgs/:id/keys/:keyId",
      summary: "Revoke an API key",
      tag,
      access: { roles: "any", others: "forbidden" },
      resource: "organization",
      params: orgKeyParams,
      body: emptyBody,
      responses: { 200: "revoked" },
    },
    async (req, res) => {
      const { params } = req;
      assertManagesOrganization(actorOf(res), params.id);
      const revoked = await revokeApiKey(connection, params.id, params.keyId);
      apiKeys.clear();
      res.json(revoked);
    },
  );

  return router;
}
