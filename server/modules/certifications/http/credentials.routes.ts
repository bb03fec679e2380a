import { Router } from "express";
import type { ApiRegistry, HttpDeps } from "../../http-deps";
import { actorOf } from "../../organizations";
import {
  credentialFor,
  listSchemeEquivalences,
  setSchemeEquivalents,
  verifyCredential,
} from "../credentials";
import {
  certHashParams,
  schemeEquivalentsBody,
  schemeParams,
  verifyCredentialBody,
} from "./credentials.schemas";

/**
 * Certifications as W3C Verifiable Credentials (decision 0025): served publicly by certHash (the
 * hash is unguessable and names nothing), checked by the same function as
 * `npm run verify-credential`, with the scheme equivalences an admin maintains.
 */
export function credentialRoutes(deps: HttpDeps, registry: ApiRegistry): Router {
  const router = Router();
  const ctx = { ...deps.useCaseContext, chain: deps.chain };
  const tag = "credentials";

  registry.define(
    router,
    {
      method: "get",
      path: "/credentials/:certHash",
      summary:
        "A certification as a W3C Verifiable Credential (VC Data Model 2.0) whose proof is the certifier's EIP-712 signature and whose status is the registry on chain",
      tag,
      access: "public",
      params: certHashParams,
      responses: { 200: "application/vc (JSON)", 404: "no certification has this certHash" },
    },
    async (req, res) => {
      const credential = await credentialFor(ctx, req.params.certHash, deps.config.PUBLIC_BASE_URL);
      res.setHeader("access-control-allow-origin", "*");
      res.type("application/vc").send(JSON.stringify(credential, null, 2));
    },
  );

  registry.define(
    router,
    {
      method: "post",
      path: "/api/credentials/verify",
      summary:
        "Check a certification credential: its signature and derived fields, then the registry's record of its issuance and status on this service's chain",
      tag,
      access: "public",
      body: verifyCredentialBody,
      responses: {
        200: "{ valid, state, reasons, checkedAt, blockNumber } (state invalid: the document fails its own checks)",
      },
    },
    async (req, res) => {
      res.json(await verifyCredential(ctx, req.body.credential));
    },
  );

  registry.define(
    router,
    {
      method: "get",
      path: "/api/scheme-equivalences",
      summary: "Scheme equivalences the admin declared (named in every credential of the scheme)",
      tag,
      access: { roles: "any", others: "none" },
      responses: { 200: "{ items: [{ scheme, equivalents, updatedAt, updatedBy }] }" },
    },
    async (_req, res) => {
      res.json({ items: await listSchemeEquivalences(ctx) });
    },
  );

  registry.define(
    router,
    {
      method: "put",
      path: "/api/scheme-equivalences/:scheme",
      summary:
        "Declare the schemes of other jurisdictions equivalent to one of ours (replaces the list; admin only)",
      tag,
      access: { roles: ["admin"], others: "none" },
      params: schemeParams,
      body: schemeEquivalentsBody,
      responses: { 200: "{ scheme, equivalents, updatedAt, updatedBy }", 422: "unknown scheme" },
    },
    async (req, res) => {
      const { params, body } = req;
      res.json(await setSchemeEquivalents(ctx, params.scheme, body.equivalents, actorOf(res).orgId));
    },
  );
  return router;
}
