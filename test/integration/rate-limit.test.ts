import { expect } from "chai";
import { RATE_LIMIT_COLLECTION } from "../../server/platform/http/rate-limit-counter.model";
import { http, type HttpResult } from "../helpers/http";
import { createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * Low limits on test servers of their own. Each test speaks from its own client address (the
 * service trusts X-Forwarded-For from loopback, as from a load balancer on the same host).
 */
describe("rate limits", () => {
  let env: TestEnv;
  let server: TestServer;
  let limited: TestServer;
  let twin: TestServer;
  let producer: TestOrg;
  const limits = { RATE_LIMIT_PER_ADDRESS: 6, RATE_LIMIT_PER_KEY: 4, RATE_LIMIT_AUTH_FAILURES: 3 };
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
    limited = await startTestServer(env, limits);
    twin = await startTestServer(env, limits);
  });
  after(async () => {
    await Promise.all([server.close(), limited.close(), twin.close()]);
  });

  const from = (address: string, options: { key?: string } = {}) => ({
    ...options,
    headers: { "x-forwarded-for": address },
  });
  const expectRateLimited = (response: HttpResult, maxSeconds: number) => {
    expect(response.status, response.text).to.equal(429);
    expect(response.body.error.code).to.equal("RATE_LIMITED");
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).to.be.within(1, maxSeconds);
    expect(response.body.error.details).to.deep.equal({ retryAfterSeconds: retryAfter });
  };

  it("answers 429 with Retry-After past the requests per minute of one address, others unaffected", async () => {
    const statuses = [];
    for (let n = 0; n < 6; n++)
      statuses.push((await http(limited.baseUrl, "GET", "/api/brands", from("203.0.113.1"))).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200]);
    expectRateLimited(await http(limited.baseUrl, "GET", "/api/brands", from("203.0.113.1")), 60);
    expect((await http(limited.baseUrl, "GET", "/api/brands", from("203.0.113.2"))).status).to.equal(200);
    expect(
      (await http(limited.baseUrl, "GET", "/healthz", from("203.0.113.1"))).status,
      "health checks pass",
    ).to.equal(200);
  });

  it("counts every request as the proxy's own when TRUST_PROXY trusts no proxy", async () => {
    const untrusting = await startTestServer(env, { ...limits, TRUST_PROXY: false });
    // The set-up's own requests (from 127.0.0.1, on the unlimited server) counted against it too.
    await env.runtime.connection.db!.collection(RATE_LIMIT_COLLECTION).deleteMany({ key: /127\.0\.0\.1/ });
    try {
      for (let n = 0; n < 6; n++) {
        const response = await http(untrusting.baseUrl, "GET", "/api/brands", from(`192.0.2.${n}`));
        expect(response.status, response.text).to.equal(200);
      }
      // Six addresses named in X-Forwarded-For, one address seen: the seventh is over its budget.
      expectRateLimited(await http(untrusting.baseUrl, "GET", "/api/brands", from("192.0.2.99")), 60);
    } finally {
      await untrusting.close();
    }
  });

  it("shares the counters between instances on the same database", async () => {
    for (const instance of [limited, twin, limited, twin, limited, twin]) {
      expect((await http(instance.baseUrl, "GET", "/api/brands", from("203.0.113.3"))).status).to.equal(200);
    }
    expectRateLimited(await http(twin.baseUrl, "GET", "/api/brands", from("203.0.113.3")), 60);
  });

  it("counts addresses in memory on the embedded database (only this process opens it), in the database on MongoDB", async () => {
    for (const instance of [limited, twin, limited]) {
      expect((await http(instance.baseUrl, "GET", "/api/brands", from("203.0.113.4"))).status).to.equal(200);
    }
    const counters = env.runtime.connection.db!.collection(RATE_LIMIT_COLLECTION);
    const stored = await counters.countDocuments({ key: "address:203.0.113.4" });
    expect(stored).to.equal(env.config.embedded.db ? 0 : 1);
  });

  it("limits each API key, whatever address it comes from", async () => {
    const other = await createOrg(server, "五常大米合作社", ["producer"]);
    for (let n = 0; n < 4; n++) {
      const response = await http(
        limited.baseUrl,
        "GET",
        "/api/orgs",
        from(`198.51.100.${n}`, { key: producer.key }),
      );
      expect(response.status).to.equal(200);
    }
    expectRateLimited(
      await http(limited.baseUrl, "GET", "/api/orgs", from("198.51.100.9", { key: producer.key })),
      60,
    );
    expect(
      (await http(limited.baseUrl, "GET", "/api/orgs", from("198.51.100.9", { key: other.key }))).status,
    ).to.equal(200);
  });

  it("stops an address guessing keys after a few failures, even before it tries a valid one", async () => {
    const wrong = "et_guessed0_" + "x".repeat(43);
    for (let n = 0; n < 3; n++) {
      expect(
        (await http(limited.baseUrl, "GET", "/api/orgs", from("192.0.2.1", { key: wrong }))).status,
      ).to.equal(401);
    }
    expectRateLimited(
      await http(limited.baseUrl, "GET", "/api/orgs", from("192.0.2.1", { key: wrong })),
      15 * 60,
    );
    expectRateLimited(
      await http(limited.baseUrl, "GET", "/api/orgs", from("192.0.2.1", { key: producer.key })),
      15 * 60,
    );
    expect(
      (await http(limited.baseUrl, "GET", "/api/orgs", from("192.0.2.2", { key: wrong }))).status,
    ).to.equal(401);
  });

  it("keeps counters under a TTL index for MongoDB and sweeps them where there is no TTL monitor", async () => {
    const counters = env.runtime.connection.db!.collection("ratelimits");
    const indexes = await counters.indexes();
    expect(indexes.find((index) => index.key.expire === -1)?.expireAfterSeconds).to.equal(0);
    expect(indexes.find((index) => index.key.key === 1)?.unique).to.equal(true);
    const longAgo = new Date(Date.now() - 1000);
    await counters.insertMany(
      [1, 2, 3].map((n) => ({ key: `address:stale-${n}`, points: 1, expire: longAgo })),
    );
    const fresh = await startTestServer(env, limits);
    try {
      expect((await http(fresh.baseUrl, "GET", "/api/brands", from("203.0.113.9"))).status).to.equal(200);
      for (
        let attempt = 0;
        (await counters.countDocuments({ expire: { $lte: new Date() } })) > 0;
        attempt++
      ) {
        if (attempt > 100) throw new Error("expired counters were not swept");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await fresh.close();
    }
  });
});
