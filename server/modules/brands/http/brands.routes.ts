import { Router } from "express";
import { LICENCE_ACTIONS } from "../domain/brand-rules";
import { brandEvents, brandView, createBrand, findBrand, listBrands } from "../brands";
import {
  changeLicenceStatus,
  findLicence,
  issueLicence,
  licenceView,
  listLicences,
  listLicencesOfProducer,
} from "../licences";
import { appendedView, eventView } from "../../batches";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf, canSeeAll } from "../../organizations";
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

/**
 * Regional public brands: the owner registers a brand and licenses producers with quotas. Brand
 * and licence facts are public (consumers and other producers may check who is licensed); only
 * the owner changes them.
 */
export function brandRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
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
      access: { roles: ["brand_owner"], others: "none" },
      body: createBrandBody,
      responses: { 201: "the brand, with its register head", 422: "unknown certification scheme" },
    },
    async (req, res) => {
      const { body } = req;
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
    async (req, res) => {
      const { query } = req;
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
      resource: "brand",
      params: brandIdParams,
      responses: { 200: "{ ...brand, licences }", 404: "no such brand" },
    },
    async (req, res) => {
      const { params } = req;
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
      resource: "brand",
      params: brandIdParams,
      responses: { 200: "{ items: events in chain order }", 404: "no such brand" },
    },
    async (req, res) => {
      const { params } = req;
      const brand = await findBrand(ctx, params.id);
      res.json({ items: (await deps.withWindowAnchors(await brandEvents(ctx, brand._id))).map(eventView) });
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/brands/:id/licences",
      summary: "License a producer for a category and period, with a quota (or the cap of a certification)",
      tag,
      access: { roles: ["brand_owner", "admin"], others: "forbidden" },
      resource: "brand",
      params: brandIdParams,
      body: createLicenceBody,
      responses: {
        201: "{ licence, event }",
        403: "not the brand's owner",
        404: "no such brand",
        422: "category not of the brand, producer unknown, certification without cap",
      },
    },
    async (req, res) => {
      const { params, body } = req;
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
      resource: "brand",
      params: brandIdParams,
      query: listLicencesQuery,
      responses: { 200: "{ items }", 404: "no such brand" },
    },
    async (req, res) => {
      const { params, query } = req;
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
      access: { roles: "any", others: "none" },
      query: listHeldLicencesQuery,
      responses: { 200: "{ items }", 403: "another producer's licences without the auditor or admin role" },
    },
    async (req, res) => {
      const { query } = req;
      const actor = actorOf(res);
      const producer = query.producer ?? actor.orgId;
      if (producer !== actor.orgId && !canSeeAll(actor)) {
        throw new ForbiddenError("only auditors and admins can list another producer's licences");
      }
      const licences = await listLicencesOfProducer(ctx, producer);
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
      resource: "licence",
      params: licenceIdParams,
      responses: { 200: "the licence", 404: "no such licence" },
    },
    async (req, res) => {
      const { params } = req;
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
        access: { roles: ["brand_owner", "admin"], others: "forbidden" },
        resource: "licence",
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
      async (req, res) => {
        const { params, body } = req;
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
