import { expect } from "chai";
import type { RouteSpec } from "../../server/platform/http/route-registry";
import { ORGANIZATION_ROLES } from "../../server/modules/organizations/domain/organization-role";
import { http } from "../helpers/http";
import { buildRouteFixtures, pathFor, startRouteServer, type RouteFixtures } from "../helpers/route-fixtures";
import { bootstrapAdmin } from "../../server/modules/organizations/bootstrap-admin";
import { createLogger } from "../../server/platform/logger";
import { clearDatabase, testEnv } from "../helpers/test-env";

const UNKNOWN_ID = "0123456789abcdef01234567";
const DIGITAL_LINK = { gtin: "06901234567892", lot: "NO-SUCH-LOT", serial: "X1" };
const ROLE_REFUSAL = /^this action needs one of the roles/;
/** Query parameters some GET routes require, so that a request gets past validation to tenancy. */
const REQUIRED_QUERY: Record<string, string> = {
  "/api/certifications/:id/revocation-template": "?status=revoked&reason=matrix",
};

/**
 * Every route of the registry × every caller (unauthenticated, a revoked key, an organization of
 * each role) × tenant (a record of the caller's tenant, one of another tenant), checked against
 * what the route DECLARES (`access`, `resource`; decision 0020). A route that declares nothing
 * about other organizations fails here. Changes are only sent where a guard refuses them before any
 * handler runs, so the fixtures stay as built; the fuzz test sends bodies to every route.
 */
describe("authorization matrix (every route × caller × tenant, as declared in the registry)", () => {
  let server: Awaited<ReturnType<typeof startRouteServer>>;
  let fixtures: RouteFixtures;
  before(async function () {
    this.timeout(120_000);
    const env = await testEnv();
    await clearDatabase(env);
    const { apiKey } = await bootstrapAdmin({
      connection: env.runtime.connection,
      dataDir: env.dataDir,
      adminApiKey: "et_testadmn_" + "a".repeat(43),
      logger: createLogger("silent"),
    });
    server = await startRouteServer(env, apiKey);
    fixtures = await buildRouteFixtures(server);
  });
  after(() => server.close());

  const request = (spec: RouteSpec, path: string, key?: string) =>
    http(server.baseUrl, spec.method.toUpperCase(), path, {
      key,
      ...(spec.method === "get" ? {} : { json: {} }),
    });
  const ownPath = (spec: RouteSpec) =>
    pathFor(
      spec,
      spec.resource ? fixtures.resources[spec.resource].own : UNKNOWN_ID,
      DIGITAL_LINK,
      REQUIRED_QUERY,
    );
  const label = (spec: RouteSpec, who: string) => `${spec.method.toUpperCase()} ${spec.path} as ${who}`;

  it("every authenticated route declares how it answers others, every resource has fixtures, every change a body schema", () => {
    const undeclared = server.specs
      .filter((spec) => spec.access !== "public" && spec.access.others === undefined)
      .map((spec) => `${spec.method.toUpperCase()} ${spec.path}`);
    expect(undeclared, "routes without access.others").to.deep.equal([]);
    const unknownKinds = server.specs
      .filter((spec) => spec.resource && !fixtures.resources[spec.resource])
      .map((spec) => `${spec.path}: ${spec.resource}`);
    expect(unknownKinds, "resources without fixtures").to.deep.equal([]);
    const bodiless = server.specs
      .filter((spec) => spec.method !== "get" && !spec.body && !spec.fileBody)
      .map((spec) => `${spec.method.toUpperCase()} ${spec.path}`);
    expect(bodiless, "changing routes without a body schema").to.deep.equal([]);
  });

  it("public routes answer everyone alike; the others refuse no key and a revoked key with 401", async () => {
    const callers = [
      ["nobody", undefined],
      ["a revoked key", fixtures.orgs.revoked.key],
    ] as const;
    await Promise.all(
      server.specs.map(async (spec) => {
        for (const [who, key] of callers) {
          const response = await request(spec, ownPath(spec), key);
          if (spec.access === "public") expect(response.status, label(spec, who)).to.not.be.oneOf([401, 403]);
          else expect(response.status, label(spec, who)).to.equal(401);
        }
      }),
    );
  });

  it("refuses each role the route does not list with 403, and lets each listed role past the role check", async () => {
    await Promise.all(
      server.specs.map(async (spec) => {
        if (spec.access === "public") return;
        const { roles } = spec.access;
        for (const role of ORGANIZATION_ROLES) {
          const allowed = roles === "any" || roles.includes(role);
          // A listed role's change would run; the fuzz test covers those with bodies.
          if (allowed && spec.method !== "get") continue;
          const response = await request(spec, ownPath(spec), fixtures.orgs[role].key);
          const message = response.body?.error?.message ?? "";
          const refusedForRole = response.status === 403 && ROLE_REFUSAL.test(message);
          expect(refusedForRole, `${label(spec, role)}: ${response.status} ${message}`).to.equal(!allowed);
          if (allowed) expect(response.status, label(spec, role)).to.not.equal(401);
        }
      }),
    );
  });

  it("answers the owner of a record and another tenant as each GET route declares", async () => {
    let checked = 0;
    for (const spec of server.specs) {
      if (spec.method !== "get" || spec.access === "public" || !spec.resource) continue;
      const { others, roles } = spec.access;
      const fixture = fixtures.resources[spec.resource];
      const role = fixture.ownerRole;
      if (roles !== "any" && !roles.includes(role as never)) continue;
      const caller = fixtures.orgs[role];
      const own = await request(spec, pathFor(spec, fixture.own, DIGITAL_LINK, REQUIRED_QUERY), caller.key);
      expect(own.status, `${label(spec, role)} on its own record: ${own.text.slice(0, 200)}`).to.be.below(
        500,
      );
      expect(own.status, `${label(spec, role)} on its own record`).to.not.be.oneOf([401, 403, 404]);
      const theirs = await request(
        spec,
        pathFor(spec, fixture.other, DIGITAL_LINK, REQUIRED_QUERY),
        caller.key,
      );
      const expected = { hidden: [404], forbidden: [403], shared: [200], none: [theirs.status] }[others!];
      expect(
        theirs.status,
        `${label(spec, role)} on another tenant's record: ${theirs.text.slice(0, 200)}`,
      ).to.be.oneOf(expected);
      if (others === "hidden") {
        const unknown = await request(
          spec,
          pathFor(spec, UNKNOWN_ID, DIGITAL_LINK, REQUIRED_QUERY),
          caller.key,
        );
        expect(theirs.body.error.code, `${label(spec, role)}: other and unknown alike`).to.equal(
          unknown.body.error.code,
        );
      }
      checked += 1;
    }
    expect(checked, "GET routes checked for tenancy").to.be.greaterThan(15);
  });
});
