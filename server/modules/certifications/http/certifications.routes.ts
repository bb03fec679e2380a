import { emptyBody } from "../../../platform/http/common.schemas";
import { Router } from "express";
import type { CertificationDoc } from "../data/certification.model";
import {
  CERTIFICATION_PRIMARY_TYPE,
  CERTIFICATION_TYPES,
  certificationDomain,
} from "../domain/certification-typed-data";
import type { StatusChangeTarget } from "../domain/certification-status-change";
import { batchIdParams } from "../../batches";
import { effectiveCertifications } from "../coverage-lookup";
import { recordCoverage } from "../certification-events";
import { addScheme, listSchemes } from "../scheme-registry";
import {
  relayedStatusChanges,
  relayStatusChange,
  statusChangeTemplate,
  statusChangeView,
} from "../certification-status-changes";
import { certificationView, snapshotFor } from "../certification-views";
import { certifiedProducers } from "../certified-producers";
import {
  findCertification,
  listCertifications,
  submitCertification,
  type CertificationContext,
} from "../certifications";
import { certifierStatus, deregisterCertifier, registerCertifier } from "../certifiers";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import {
  assertMayChangeCertification,
  assertMayReadBatchCertifications,
  assertMayReadCertification,
} from "../certifications-policy";
import {
  certificationIdParams,
  certifierParams,
  listCertificationsQuery,
  createCertificationBody,
  createSchemeBody,
  registerCertifierBody,
  signedStatusChangeBody,
  statusChangeTemplateQuery,
} from "./certifications.schemas";

const RELAY_PATHS: Record<StatusChangeTarget, string> = {
  revoked: "revocations",
  suspended: "suspensions",
  reinstated: "reinstatements",
};

/** Certifier registry (on chain), schemes, signed certifications and their status changes. */
export function certificationRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx: CertificationContext = { ...deps.useCaseContext, chain: deps.chain };
  const nowSec = () => Math.floor(ctx.now().getTime() / 1000);
  const tag = "certifications";
  /** One certification with its live status and the signed changes this service relayed. */
  const fullView = async (certification: CertificationDoc) => ({
    ...certificationView(certification, await snapshotFor(ctx.chain, [certification]), nowSec()),
    statusChanges: (await relayedStatusChanges(ctx, certification._id)).map(statusChangeView),
  });

  registry.define(
    router,
    {
      method: "get",
      path: "/api/certification-schemes",
      summary:
        "Certification schemes (organic, green-food, geographical-indication, eco-origin, and added ones)",
      tag,
      access: { roles: "any", others: "none" },
      responses: { 200: "{ items }" },
    },
    async (_req, res) => {
      res.json({ items: await listSchemes(ctx.connection) });
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/certification-schemes",
      summary: "Add a certification scheme",
      tag,
      access: { roles: ["admin"], others: "none" },
      body: createSchemeBody,
      responses: { 201: "the scheme", 409: "code already used" },
    },
    async (req, res) => {
      const { body } = req;
      res.status(201).json(await addScheme(ctx.connection, body));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/certifiers/:orgId",
      summary: "A certifier organization's registration on chain",
      tag,
      access: { roles: "any", others: "shared" },
      resource: "certifier",
      params: certifierParams,
      responses: { 200: "{ orgId, address, registered, name, registeredAt }", 422: "not a certifier" },
    },
    async (req, res) => {
      const { params } = req;
      res.json(await certifierStatus(ctx, params.orgId));
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/certifiers/:orgId/register",
      summary:
        "Register a certifier organization's address on chain (registerCertifier, admin only): sent with the admin key where the service holds it (embedded mode, REGISTRY_ADMIN_KEY), otherwise the transaction the registry admin must send",
      tag,
      access: { roles: ["admin"], others: "none" },
      resource: "certifier",
      params: certifierParams,
      body: registerCertifierBody,
      responses: {
        200: "registration with txHash and blockNumber",
        202: "registration not done yet, with adminTransaction { admin, to, data, function, args } for the registry admin to send",
        409: "already registered",
        422: "organization has no certifier role or no address",
      },
    },
    async (req, res) => {
      const { params, body } = req;
      const result = await registerCertifier(ctx, params.orgId, body);
      res.status("adminTransaction" in result ? 202 : 200).json(result);
    },
  );

  registry.define(
    router,
    {
      method: "delete",
      path: "/api/certifiers/:orgId",
      summary:
        "Deregister a certifier on chain (deregisterCertifier, admin only, sent or returned as registration is); its certifications are frozen",
      tag,
      access: { roles: ["admin"], others: "none" },
      resource: "certifier",
      params: certifierParams,
      body: emptyBody,
      responses: {
        200: "registration with txHash",
        202: "with adminTransaction for the registry admin to send",
        403: "not registered",
      },
    },
    async (req, res) => {
      const { params } = req;
      const result = await deregisterCertifier(ctx, params.orgId);
      res.status("adminTransaction" in result ? 202 : 200).json(result);
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/certifications/eip712",
      summary: "The EIP-712 domain and types a certifier signs a certification with",
      tag,
      access: { roles: "any", others: "none" },
      responses: { 200: "{ domain, types, primaryType }" },
    },
    (_req, res) => {
      res.json({
        domain: certificationDomain(ctx.chain.chainId, ctx.chain.registryAddress),
        types: CERTIFICATION_TYPES,
        primaryType: CERTIFICATION_PRIMARY_TYPE,
      });
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/certifications",
      summary: "Submit a certification signed by the certifier (EIP-712); records it on every covered batch",
      tag,
      access: { roles: ["certifier"], others: "none" },
      body: createCertificationBody,
      responses: {
        201: "the certification with live status, its issuance transaction (null if issued before) and its coverage events",
        403: "not the caller's address / certifier not registered on chain",
        409: "already submitted",
        422: "wrong signer, wrong domain, unknown scheme or subject, expired",
        504: "the issuance transaction is not mined yet: submit again later",
      },
    },
    async (req, res) => {
      const { body } = req;
      const { certification, coverage, issuance } = await submitCertification(ctx, actorOf(res), body);
      res.status(201).json({ ...(await fullView(certification)), issuance, coverage });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/certifications",
      summary:
        "The caller's certifications, newest first, with live status (every certifier's for admins and auditors)",
      tag,
      access: { roles: ["certifier", "admin", "auditor"], others: "none" },
      query: listCertificationsQuery,
      responses: {
        200: "{ items }: certifications as GET /api/certifications/:id shows them, without statusChanges",
      },
    },
    async (req, res) => {
      const { query } = req;
      const certifications = await listCertifications(ctx, actorOf(res), query.limit);
      // One registry read (one block) for the whole page.
      const snapshot = await snapshotFor(ctx.chain, certifications);
      res.json({
        items: certifications.map((certification) => certificationView(certification, snapshot, nowSec())),
      });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/certified-producers",
      summary:
        "The producers and batches under the caller's certifications (its newest `limit`): each producer with its certifications (live status) and its certified batches, newest first",
      tag,
      access: { roles: ["certifier"], others: "none" },
      query: listCertificationsQuery,
      responses: {
        200: "{ items: [{ producer: { id, name }, certifications: [{ id, certificateNumber, scheme, subject, state }], batchCount, batches: [{ id, publicId, product, lot, digitalLink, origin, status, certificationIds }] }] }",
      },
    },
    async (req, res) => {
      const { query } = req;
      const items = await certifiedProducers(ctx, actorOf(res), {
        limit: query.limit,
        publicBaseUrl: deps.config.PUBLIC_BASE_URL,
        nowSec: nowSec(),
      });
      res.json({ items });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/certifications/:id",
      summary: "A certification with its live status (read from the registry)",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "certification",
      params: certificationIdParams,
      responses: { 200: "certification", 403: "not a party", 404: "unknown" },
    },
    async (req, res) => {
      const { params } = req;
      const certification = await findCertification(ctx, params.id);
      await assertMayReadCertification(ctx, actorOf(res), certification);
      res.json(await fullView(certification));
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/certifications/:id/coverage",
      summary: "Record the certification on batches its producer/plot rule covers that were registered since",
      tag,
      access: { roles: ["certifier", "admin"], others: "forbidden" },
      resource: "certification",
      params: certificationIdParams,
      body: emptyBody,
      responses: { 200: "{ coverage }", 403: "not the issuing certifier" },
    },
    async (req, res) => {
      const { params } = req;
      const certification = await findCertification(ctx, params.id);
      assertMayChangeCertification(actorOf(res), certification);
      res.json({ coverage: await recordCoverage(ctx, certification) });
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/certifications/:id/revocation-template",
      summary:
        "The EIP-712 status change (revoked, suspended or reinstated) for the certifier to sign, with its current nonce and a deadline",
      tag,
      access: { roles: ["certifier", "admin"], others: "forbidden" },
      resource: "certification",
      params: certificationIdParams,
      query: statusChangeTemplateQuery,
      responses: {
        200: "{ domain, types, primaryType, message, relayPath }",
        403: "not the issuing certifier",
      },
    },
    async (req, res) => {
      const { params, query } = req;
      const certification = await findCertification(ctx, params.id);
      assertMayChangeCertification(actorOf(res), certification);
      const template = await statusChangeTemplate(
        ctx,
        certification,
        query.status,
        query.reason,
        query.ttlSec,
      );
      res.json({ ...template, relayPath: `/api/certifications/${params.id}/${RELAY_PATHS[query.status]}` });
    },
  );

  for (const target of Object.keys(RELAY_PATHS) as StatusChangeTarget[]) {
    registry.define(
      router,
      {
        method: "post",
        path: `/api/certifications/:id/${RELAY_PATHS[target]}`,
        summary: `Relay the certifier's signed status change (${target}) to the registry; waits for the receipt`,
        tag,
        access: { roles: ["certifier", "admin"], others: "forbidden" },
        resource: "certification",
        params: certificationIdParams,
        body: signedStatusChangeBody,
        responses: {
          201: "{ change, certification } with the status read back from the chain",
          202: "sent but not mined within the wait: change.state is sent",
          403: "not the issuing certifier / not the owner on chain / certifier not registered",
          409: "stale nonce, already revoked, already suspended, not suspended",
          422: "wrong signer, deadline passed",
        },
      },
      async (req, res) => {
        const { params, body } = req;
        const actor = actorOf(res);
        const certification = await findCertification(ctx, params.id);
        assertMayChangeCertification(actor, certification);
        const change = await relayStatusChange(ctx, actor.orgId, certification, target, body);
        res.status(change.state === "mined" ? 201 : 202).json({
          change: statusChangeView(change),
          certification: await fullView(certification),
        });
      },
    );
  }

  registry.define(
    router,
    {
      method: "get",
      path: "/api/batches/:id/certifications",
      summary:
        "Certifications of a batch and of every batch upstream of it (inherited through lineage), with live status",
      tag,
      access: { roles: "any", others: "hidden" },
      resource: "batch",
      params: batchIdParams,
      responses: {
        200: "{ batchId, blockNumber, items, truncated }",
        403: "not a party",
        404: "unknown batch",
      },
    },
    async (req, res) => {
      const { params } = req;
      const actor = actorOf(res);
      const { root, items, truncated } = await effectiveCertifications(ctx, params.id);
      assertMayReadBatchCertifications(
        actor,
        root,
        items.map((item) => item.certification),
      );
      const snapshot = await snapshotFor(
        ctx.chain,
        items.map((item) => item.certification),
      );
      res.json({
        batchId: params.id,
        blockNumber: snapshot?.blockNumber ?? null,
        truncated,
        items: items.map((item) => ({
          ...certificationView(item.certification, snapshot, nowSec()),
          inherited: item.inherited,
          covers: item.covers,
        })),
      });
    },
  );

  return router;
}
