import { publicIdOf } from "../helpers/scenario";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Types } from "mongoose";
import type { AnchorWorker } from "../../server/modules/anchoring/anchor.worker";
import { batchModel } from "../../server/modules/batches/data/batch.model";
import { certificationModel } from "../../server/modules/certifications/data/certification.model";
import { seedDemo, type DemoSummary } from "../../server/modules/demo/seed-demo";
import { verifyBundleFile } from "../../scripts/verify-bundle";
import { startWorker } from "../helpers/anchoring";
import { http } from "../helpers/http";
import { pathOf } from "../helpers/verification";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * One verdict (issue 13): the service's verdict on a batch equals what the offline verifier
 * (`npm run verify-bundle`, over plain JSON-RPC) says of the proof bundle the service serves for
 * it, and editing unhashed, unsigned database fields changes neither (findings 2 and 6).
 */
describe("one verdict: service and offline verifier agree (demo batches)", function () {
  this.timeout(300_000);
  let env: TestEnv;
  let server: TestServer;
  let worker: AnchorWorker;
  let outDir: string;
  let summary: DemoSummary;

  const pageOf = (key: string) => summary.pages.find((page) => page.key === key)!;
  const serviceVerdict = async (batchId: string) => {
    const response = await http(server.baseUrl, "GET", `/api/verify/${await publicIdOf(server, batchId)}`);
    expect(response.status, response.text).to.equal(200);
    return response.body as { verdict: string };
  };
  /** What the consumer page shows (its JSON form). */
  const consumerView = async (digitalLink: string) => {
    const response = await http(server.baseUrl, "GET", pathOf(digitalLink), {
      headers: { accept: "application/json" },
    });
    expect(response.status, response.text).to.equal(200);
    return response.body as { verdict: string; certifications: { status: string; validUntil: string }[] };
  };
  const offlineVerdict = async (batchId: string) => {
    const bundle = await http(
      server.baseUrl,
      "GET",
      `/api/batches/${await publicIdOf(server, batchId)}/proof-bundle`,
    );
    expect(bundle.status, bundle.text).to.equal(200);
    const file = path.join(outDir, `${batchId}.json`);
    fs.writeFileSync(file, bundle.text);
    const rpcUrl = env.runtime.chain.provider._getConnection().url;
    return (await verifyBundleFile(file, rpcUrl, Math.floor(Date.now() / 1000))).verdict;
  };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    worker = startWorker(env.runtime.connection, env.runtime.chain);
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecotrace-agreement-"));
    summary = await seedDemo({ baseUrl: server.baseUrl, adminKey: server.adminKey, outDir });
  });
  after(async () => {
    await worker.stop();
    await server.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it("gives each demo batch (verified, revoked, recalled) the verdict verify-bundle gives its bundle", async () => {
    const verdicts: Record<string, [string, string]> = {};
    for (const page of summary.pages) {
      verdicts[page.key] = [(await serviceVerdict(page.batchId)).verdict, await offlineVerdict(page.batchId)];
    }
    expect(verdicts).to.deep.equal({
      mingqianTea: ["verified", "verified"],
      daxiTea: ["revoked", "revoked"],
      yuqianTea: ["recalled", "recalled"],
    });
  });

  it("finding 2: editing the batches' regionCode so no coverage rule matches leaves revoked revoked", async () => {
    const batchId = pageOf("daxiTea").batchId;
    const batches = batchModel(env.runtime.connection).collection;
    const all = await batches.find({}, { projection: { "origin.regionCode": 1 } }).toArray();
    try {
      await batches.updateMany({}, { $set: { "origin.regionCode": "110101" } });
      expect((await serviceVerdict(batchId)).verdict).to.equal("revoked");
      expect(await offlineVerdict(batchId)).to.equal("revoked");
    } finally {
      for (const batch of all)
        await batches.updateOne(
          { _id: batch._id },
          { $set: { "origin.regionCode": batch.origin.regionCode } },
        );
    }
  });

  it("finding 6: editing certifications' stored validUntil into the past leaves verified verified", async () => {
    const { batchId, digitalLink } = pageOf("mingqianTea");
    const certifications = certificationModel(env.runtime.connection).collection;
    const all = await certifications.find({}, { projection: { validUntil: 1 } }).toArray();
    try {
      await certifications.updateMany({}, { $set: { validUntil: 1_000_000_000 } });
      expect((await serviceVerdict(batchId)).verdict).to.equal("verified");
      const page = await consumerView(digitalLink);
      expect(page.verdict).to.equal("verified");
      expect(page.certifications.length).to.be.above(0);
      for (const certification of page.certifications) {
        expect(certification.status).to.equal("valid");
        expect(Date.parse(certification.validUntil)).to.be.above(Date.now());
      }
      expect(await offlineVerdict(batchId)).to.equal("verified");
    } finally {
      for (const certification of all)
        await certifications.updateOne(
          { _id: new Types.ObjectId(certification._id) },
          { $set: { validUntil: certification.validUntil } },
        );
    }
  });
});
