import { Router } from "express";
import { Types } from "mongoose";
import type { z } from "zod";
import { LICENCE_ACTIONS } from "../domain/brand-rules";
import { brandEvents, brandView, createBrand, findBrand, listBrands } from "../brands";
import { changeLicenceStatus, findLicence, issueLicence, licenceView, listLicences } from "../licences";
import { appendedView, eventView } from "../../batches/batch-view";
import type { AppDeps } from "../../../main/app";
import { actorOf, canSeeAll } from "../../organizations/http/auth.middleware";
import type { RouteRegistry } from "../../../platform/http/route-registry";
import {
  brandIdParams,
  createBrandBody,
  createLicenceBody,
  licenceIdParams,
  licenceStatusBody,
  listBrandsQuery,
  listHeldLicencesQuery,
  listLicencesQuery,
} from "./brands.schemas";
import { ForbiddenError } from "../../../platform/errors";
import { validated } from "../../../platform/http/validation";

type IdParams = z.infer<typeof brandIdParams>;

/**
 * Regional public brands: the owner registers a brand and licenses producers with quotas. Brand
 * and licence facts are public (consumers and other producers may check who is licensed); only
 * the owner changes them.
 */
export function brandRoutes(deps: AppDeps, registry: RouteRegistry): Router {
  const router = Router();
  const ctx = deps.useCaseContext;
  const tag = "brands";

  registry.define(
    router,
    {
      method: "post",
      path: "/api/brands",
      summary: "Register a regional public brand (区域公用品牌) owned by the calling brand owner",
      tag,
      access: { roles: ["brand_owner"] },
      body: createBrandBody,
      responses: { 201: "the brand, with its register head", 422: "unknown certification scheme" },
    },
    async (_req, res) => {
      const { body } = validated<unknown, unknown, z.infer<typeof createBrandBody>>(res);
      const brand = await createBrand(ctx, actorOf(res).orgId, body);
      res.status(201).json(brandView(brand));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/brands",
      summary: "Registered brands, optionally of one owner",
      tag,
      access: "public",
      query: listBrandsQuery,
      responses: { 200: "{ items }" },
    },
    async (_req, res) => {
      const { query } = validated<unknown, z.infer<typeof listBrandsQuery>>(res);
      res.json({ items: (await listBrands(ctx, query)).map(brandView) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/brands/:id",
      summary: "A brand and its licences",
      tag,
      access: "public",
      params: brandIdParams,
      responses: { 200: "{ ...brand, licences }", 404: "no such brand" },
    },
    async (_req, res) => {
      const { params } = validated<IdParams>(res);
      const brand = await findBrand(ctx, params.id);
      const licences = await listLicences(ctx, { brandId: brand._id });
      res.json({ ...brandView(brand), licences: licences.map(licenceView) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/brands/:id/events",
      summary: "The brand's licence register: every registration and licence change, hash-chained",
      tag,
      access: "public",
      params: brandIdParams,
      responses: { 200: "{ items: events in chain order }", 404: "no such brand" },
    },
    async (_req, res) => {
      const { params } = validated<IdParams>(res);
      const brand = await findBrand(ctx, params.id);
      res.json({ items: (await brandEvents(ctx, brand._id)).map(eventView) });
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/brands/:id/licences",
      summary: "License a producer for a category and period, with a quota (or the cap of a certification)",
      tag,
      access: { roles: ["brand_owner", "admin"] },
      params: brandIdParams,
      body: createLicenceBody,
      responses: {
        201: "{ licence, event }",
        403: "not the brand's owner",
        404: "no such brand",
        422: "category not of the brand, producer unknown, certification without cap",
      },
    },
    async (_req, res) => {
      const { params, body } = validated<IdParams, unknown, z.infer<typeof createLicenceBody>>(res);
      const { licence, event } = await issueLicence(ctx, actorOf(res), params.id, body);
      res.status(201).json({ licence: licenceView(licence), event: appendedView(event) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/brands/:id/licences",
      summary: "A brand's licences with quota used and remaining",
      tag,
      access: "public",
      params: brandIdParams,
      query: listLicencesQuery,
      responses: { 200: "{ items }", 404: "no such brand" },
    },
    async (_req, res) => {
      const { params, query } = validated<IdParams, z.infer<typeof listLicencesQuery>>(res);
      const brand = await findBrand(ctx, params.id);
      const licences = await listLicences(ctx, { brandId: brand._id });
      res.json({
        items: licences
          .filter((licence) => !query.status || licence.status === query.status)
          .map(licenceView),
      });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/licences",
      summary: "Licences held by the calling producer (or by ?producer= for admins and auditors)",
      tag,
      access: { roles: "any" },
      query: listHeldLicencesQuery,
      responses: { 200: "{ items }", 403: "another producer's licences without the auditor or admin role" },
    },
    async (_req, res) => {
      const { query } = validated<unknown, z.infer<typeof listHeldLicencesQuery>>(res);
      const actor = actorOf(res);
      const producer = query.producer ?? actor.orgId;
      if (producer !== actor.orgId && !canSeeAll(actor)) {
        throw new ForbiddenError("only auditors and admins can list another producer's licences");
      }
      const licences = await listLicences(ctx, { producerId: new Types.ObjectId(producer) });
      res.json({ items: licences.map(licenceView) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/licences/:id",
      summary: "One licence with its status and quota",
      tag,
      access: "public",
      params: licenceIdParams,
      responses: { 200: "the licence", 404: "no such licence" },
    },
    async (_req, res) => {
      const { params } = validated<IdParams>(res);
      res.json(licenceView(await findLicence(ctx, params.id)));
    },
  );

  for (const action of LICENCE_ACTIONS) {
    registry.define(
      router,
      {
        method: "post",
        path: `/api/licences/:id/${action}`,
        summary: `${action[0].toUpperCase()}${action.slice(1)} a licence (brand owner); recorded on the brand's register`,
        tag,
        access: { roles: ["brand_owner", "admin"] },
        params: licenceIdParams,
        body: licenceStatusBody,
        responses: {
          200: "{ licence, event }",
          403: "not the brand's owner",
          404: "no such licence",
          409: "changed at the same time",
          422: "LICENCE_STATE: not possible from the current status",
        },
      },
      async (_req, res) => {
        const { params, body } = validated<IdParams, unknown, z.infer<typeof licenceStatusBody>>(res);
        const { licence, event } = await changeLicenceStatus(
          ctx,
          actorOf(res),
          params.id,
          action,
          body.reason,
        );
        res.json({ licence: licenceView(licence), event: appendedView(event) });
      },
    );
  }

  return router;
}
