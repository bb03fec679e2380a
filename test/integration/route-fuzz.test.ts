import { expect } from "chai";
import fc from "fast-check";
import { z } from "zod";
import type { RouteSpec } from "../../server/platform/http/route-registry";
import { bootstrapAdmin } from "../../server/modules/organizations/bootstrap-admin";
import { createLogger } from "../../server/platform/logger";
import { http } from "../helpers/http";
import { buildRouteFixtures, pathFor, startRouteServer, type RouteFixtures } from "../helpers/route-fixtures";
import { clearDatabase, testEnv, type TestEnv } from "../helpers/test-env";

const RUNS_PER_ROUTE = 4;
const SEED = 20261206;

/**
 * Property: whatever JSON body is sent to a route that takes one, the answer is never a 5xx, and a
 * refused request (4xx) leaves every collection with the documents it had. Bodies are random JSON
 * or shapes drawn from the route's own schema (as OpenAPI publishes it) with random leaves, so both
 * the validation and the handlers behind it are reached. Seeded and bounded.
 */
describe("fuzzed bodies on every route that takes one (fast-check)", () => {
  let env: TestEnv;
  let server: Awaited<ReturnType<typeof startRouteServer>>;
  let fixtures: RouteFixtures;
  before(async function () {
    this.timeout(120_000);
    env = await testEnv();
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

  /**
   * Every collection's document count: what a refused request must leave unchanged. Request
   * counters are left out: counting every request, refused ones included, is their job (rate
   * limits, failed logins).
   */
  async function counts(): Promise<Record<string, number>> {
    const db = env.runtime.connection.db!;
    const collections = (await db.collections()).filter(
      (collection) => !REQUEST_COUNTERS.has(collection.collectionName),
    );
    const entries = await Promise.all(
      collections.map(
        async (collection) => [collection.collectionName, await collection.countDocuments()] as const,
      ),
    );
    // An empty collection the driver created on first use (indexes) holds nothing.
    return Object.fromEntries(entries.filter(([, count]) => count > 0));
  }

  /** The caller that may use the route (its resource's owner, else its first role, else the admin). */
  function callerOf(spec: RouteSpec): string {
    if (spec.access === "public") return server.adminKey;
    const roles = spec.access.roles;
    const owner = spec.resource ? fixtures.resources[spec.resource].ownerRole : undefined;
    if (roles === "any") return fixtures.orgs[owner ?? "producer"].key;
    const role = owner && roles.includes(owner as never) ? owner : roles[0];
    return role === "admin" ? server.adminKey : fixtures.orgs[role].key;
  }

  const REQUEST_COUNTERS = new Set(["ratelimits", "loginfailures"]);

  it("never answers 5xx and stores nothing when it refuses", async () => {
    const routes = server.specs.filter((spec) => spec.method !== "get" && spec.body);
    expect(routes.length, "routes with a body schema").to.be.greaterThan(25);
    for (const [index, spec] of routes.entries()) {
      const id = spec.resource ? fixtures.resources[spec.resource].own : "0123456789abcdef01234567";
      const path = pathFor(spec, id);
      const key = callerOf(spec);
      await fc.assert(
        fc.asyncProperty(bodyOf(spec.body!), async (body) => {
          const before = await counts();
          const response = await http(server.baseUrl, spec.method.toUpperCase(), path, { key, json: body });
          const where = `${spec.method.toUpperCase()} ${path} ${JSON.stringify(body).slice(0, 300)}`;
          expect(response.status, `${where} → ${response.text.slice(0, 300)}`).to.be.below(500);
          if (response.status >= 400) {
            const after = await counts();
            const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
            expect(after, `${where} stored something in ${changed.join(", ")}`).to.deep.equal(before);
          }
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED + index, endOnFailure: true },
      );
    }
  });
});

/** Random JSON, or the route's schema with random leaves (often valid in shape, rarely in values). */
function bodyOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 3, arbitrary: fromJsonSchema(json, 0) },
  );
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

function fromJsonSchema(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.string(), fc.integer(), fc.double());
  if (depth > 4) return leaf;
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), leaf);
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), leaf);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((member) => fromJsonSchema(member, depth + 1)));
  if (schema.type === "object" && schema.properties) {
    const properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [
        name,
        fromJsonSchema(property, depth + 1),
      ]),
    );
    // Required keys are mostly present; optional ones come and go; now and then a stranger key.
    return fc
      .tuple(
        fc.record(properties, { requiredKeys: schema.required ?? [] }),
        fc.option(fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 1 }), { freq: 5 }),
      )
      .map(([value, extra]) => ({ ...(extra ?? {}), ...value }));
  }
  if (schema.type === "array" && schema.items)
    return fc.array(fromJsonSchema(schema.items, depth + 1), { maxLength: 3 });
  return leaf;
}
