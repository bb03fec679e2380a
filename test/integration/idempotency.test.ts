import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

const importFixture = (name: string) => fs.readFileSync(path.resolve(__dirname, "../fixtures/import", name));

describe("Idempotency-Key", () => {
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "安吉县白茶合作社", ["producer"]);
  });
  after(() => server.close());

  const records = () => env.runtime.connection.db!.collection("idempotencyrecords");
  const storing = (key: string, apiKey: string) => ({
    key: apiKey,
    headers: { "idempotency-key": key },
    json: { type: "storing", eventTime: "2026-04-16T09:00:00Z" },
  });
  const eventCount = async (batchId: string) =>
    (await http(server.baseUrl, "GET", `/api/batches/${batchId}/events`, { key: producer.key })).body.items
      .length;

  it("authenticates before replaying: a revoked key gets 401, not the stored response", async () => {
    const org = await createOrg(server, "五常大米合作社", ["producer"]);
    const batch = await createBatch(server, org);
    const path = `/api/batches/${batch.id}/events`;
    expect((await http(server.baseUrl, "POST", path, storing("before-revoke", org.key))).status).to.equal(
      201,
    );
    const keys = await http(server.baseUrl, "GET", `/api/orgs/${org.id}/keys`, { key: org.key });
    const revoked = await http(
      server.baseUrl,
      "DELETE",
      `/api/orgs/${org.id}/keys/${keys.body.items[0].id}`,
      {
        key: server.adminKey,
      },
    );
    expect(revoked.status).to.equal(200);
    const retry = await http(server.baseUrl, "POST", path, storing("before-revoke", org.key));
    expect(retry.status).to.equal(401);
    expect(retry.headers.get("idempotent-replayed")).to.equal(null);
  });

  it("never stores or replays a new API key: a retried key issue answers 409 without the secret", async () => {
    const request = { key: server.adminKey, headers: { "idempotency-key": "issue-key-1" } };
    const issued = await http(server.baseUrl, "POST", `/api/orgs/${producer.id}/keys`, request);
    expect(issued.status).to.equal(201);
    expect(issued.body.apiKey).to.be.a("string");
    const retry = await http(server.baseUrl, "POST", `/api/orgs/${producer.id}/keys`, request);
    expect(retry.status).to.equal(409);
    expect(retry.body.error.code).to.equal("IDEMPOTENT_SECRET_NOT_REPLAYED");
    expect(retry.body.error.details).to.deep.equal({
      status: 201,
      response: { id: issued.body.id, prefix: issued.body.prefix },
    });
    expect(retry.text).to.not.include(issued.body.apiKey);
    const stored = await records().find({ key: "issue-key-1" }).toArray();
    expect(stored).to.have.length(1);
    expect(JSON.stringify(stored)).to.not.include(issued.body.apiKey);
    const listed = await http(server.baseUrl, "GET", `/api/orgs/${producer.id}/keys`, {
      key: server.adminKey,
    });
    expect(listed.body.items.filter((key: { id: string }) => key.id === issued.body.id)).to.have.length(1);
  });

  it("stores nothing for a request without a valid API key or with a rejected body", async () => {
    const before = await records().countDocuments();
    const unauthenticated = await http(server.baseUrl, "POST", "/api/batches", {
      key: "et_nobody00_" + "x".repeat(43),
      headers: { "idempotency-key": "anonymous-1" },
      json: {},
    });
    expect(unauthenticated.status).to.equal(401);
    const invalid = await http(server.baseUrl, "POST", "/api/batches", {
      key: producer.key,
      headers: { "idempotency-key": "invalid-1" },
      json: { lot: 7 },
    });
    expect(invalid.status).to.equal(400);
    expect(await records().countDocuments()).to.equal(before);
  });

  it("scopes keys to the caller: another organization's request with the same key is its own", async () => {
    const other = await createOrg(server, "五常大米合作社", ["producer"]);
    const mine = await createBatch(server, producer);
    const theirs = await createBatch(server, other);
    const first = await http(
      server.baseUrl,
      "POST",
      `/api/batches/${mine.id}/events`,
      storing("shared", producer.key),
    );
    const second = await http(
      server.baseUrl,
      "POST",
      `/api/batches/${theirs.id}/events`,
      storing("shared", other.key),
    );
    expect([first.status, second.status]).to.deep.equal([201, 201]);
    expect(second.headers.get("idempotent-replayed")).to.equal(null);
    const scopes = (await records().find({ key: "shared" }).toArray()).map((record) => record.scope);
    expect(scopes.map((scope: string) => scope.split("/")[0]).sort()).to.deep.equal(
      [producer.id, other.id].sort(),
    );
  });

  it("forgets a key once it expires (24 h by default), also where no TTL monitor deletes it", async () => {
    const batch = await createBatch(server, producer);
    const path = `/api/batches/${batch.id}/events`;
    expect((await http(server.baseUrl, "POST", path, storing("expiring", producer.key))).status).to.equal(
      201,
    );
    const [record] = await records().find({ key: "expiring" }).toArray();
    const lifetime = record.expiresAt.getTime() - record.createdAt.getTime();
    expect(lifetime).to.equal(24 * 3_600_000);
    const indexes = await records().indexes();
    expect(indexes.find((index) => index.key.expiresAt === 1)?.expireAfterSeconds).to.equal(0);

    await records().updateOne({ _id: record._id }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const after = await http(server.baseUrl, "POST", path, storing("expiring", producer.key));
    expect(after.status).to.equal(201);
    expect(after.headers.get("idempotent-replayed")).to.equal(null);
    expect(await eventCount(batch.id)).to.equal(3);
  });

  it("sweeps expired records on the embedded engine and takes its lifetime from IDEMPOTENCY_TTL_HOURS", async () => {
    const expired = { scope: "gone/gone", fingerprint: "x", state: "done", status: 201, body: {} };
    const longAgo = new Date(Date.now() - 1000);
    await records().insertMany(
      [1, 2, 3].map((n) => ({ ...expired, key: `old-${n}`, createdAt: longAgo, expiresAt: longAgo })),
    );
    // A new instance sweeps on its first claim.
    const shortLived = await startTestServer(env, { IDEMPOTENCY_TTL_HOURS: 2 });
    try {
      const batch = await createBatch(server, producer);
      const path = `/api/batches/${batch.id}/events`;
      expect(
        (await http(shortLived.baseUrl, "POST", path, storing("two-hours", producer.key))).status,
      ).to.equal(201);
      const [record] = await records().find({ key: "two-hours" }).toArray();
      expect(record.expiresAt.getTime() - record.createdAt.getTime()).to.equal(2 * 3_600_000);
      for (let attempt = 0; (await records().countDocuments({ scope: "gone/gone" })) > 0; attempt++) {
        if (attempt > 100) throw new Error("expired records were not swept");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await shortLived.close();
    }
  });

  it("fingerprints the whole uploaded file: an import reusing a key with another file is refused", async () => {
    const upload = (file: string) =>
      fetch(`${server.baseUrl}/api/imports?dryRun=true`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${producer.key}`,
          "content-type": "text/csv",
          "idempotency-key": "import-1",
        },
        body: importFixture(file),
      });
    const first = await upload("harvest.csv");
    expect(first.status).to.equal(200);
    const again = await upload("harvest.csv");
    expect(again.headers.get("idempotent-replayed")).to.equal("true");
    const other = await upload("with-errors.csv");
    expect(other.status).to.equal(422);
    expect(((await other.json()) as { error: { code: string } }).error.code).to.equal(
      "IDEMPOTENCY_KEY_REUSED",
    );
  });
});
