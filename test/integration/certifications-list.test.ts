import { expect } from "chai";
import { createCertifier, type TestCertifier, issueCertification } from "../helpers/certification-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/** GET /api/certifications: what the console's certifier screen lists. */
describe("certifications API: listing", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let first: TestCertifier;
  let second: TestCertifier;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    first = await createCertifier(server, "中绿华夏有机食品认证中心");
    second = await createCertifier(server, "南京国环有机产品认证中心");
  });
  after(() => server.close());

  async function certify(certifier: TestCertifier, batchId: string) {
    return (await issueCertification(server, certifier, batchId)).id;
  }

  it("lists a certifier's own certifications newest first with live status; admins see every certifier's", async () => {
    const batch = await createBatch(server, farm);
    const older = await certify(first, batch.id);
    const newer = await certify(first, batch.id);
    const others = await certify(second, batch.id);

    const own = await http(server.baseUrl, "GET", "/api/certifications", { key: first.key });
    expect(own.status, own.text).to.equal(200);
    expect(own.body.items.map((item: { id: string }) => item.id)).to.deep.equal([newer, older]);
    expect(own.body.items[0].status.chain).to.not.equal(null);
    expect(own.body.items[0].subject).to.deep.equal({ kind: "batch", id: batch.id });

    const all = await http(server.baseUrl, "GET", "/api/certifications?limit=2", { key: server.adminKey });
    expect(all.body.items.map((item: { id: string }) => item.id)).to.deep.equal([others, newer]);
  });

  it("is refused to a producer and rejects an out-of-range limit naming the field", async () => {
    const producer = await http(server.baseUrl, "GET", "/api/certifications", { key: farm.key });
    expect(producer.status).to.equal(403);
    const bad = await http(server.baseUrl, "GET", "/api/certifications?limit=0", { key: first.key });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include("query.limit");
  });
});
