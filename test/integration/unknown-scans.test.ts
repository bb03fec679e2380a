import { expect } from "chai";
import { licensedBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { pathOf } from "../helpers/verification";

describe("scans of unknown serials", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let brandId: string;
  let batch: { id: string; lot: string; digitalLink: string };
  const gtin = "06901234567892";

  before(async () => {
    env = await testEnv();
  });
  beforeEach(async () => {
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    brandId = await licensedBrand(server, farm);
    batch = await createBatch(server, farm, { brand: brandId });
  });
  afterEach(() => server.close());

  const logged = () =>
    env.runtime.connection.db!.collection("unknownscans").find({}).sort({ _id: 1 }).toArray();
  /** A shopper's scan: the link opened as a page (JSON calls are not scans). */
  const scan = (path: string, device = "iPhone; CPU iPhone OS 17_0", method = "GET") =>
    http(server.baseUrl, method, path, { headers: { accept: "text/html", "user-agent": device } });

  it("logs a never-issued serial of a known lot with the batch and brand it would belong to, keeping only a device pseudonym", async () => {
    const response = await scan(`${pathOf(batch.digitalLink)}/21/FAKE0000FAKE0000`);
    expect(response.status).to.equal(404);
    expect(response.text).to.include('data-verdict="unknown"');
    const [entry, ...rest] = await logged();
    expect(rest).to.deep.equal([]);
    expect(Object.keys(entry).sort()).to.deep.equal(
      [
        "_id",
        "at",
        "batchId",
        "brandId",
        "client",
        "day",
        "gtin",
        "lastAt",
        "lot",
        "requests",
        "serial",
      ].sort(),
    );
    expect(entry).to.deep.include({ gtin, lot: batch.lot, serial: "FAKE0000FAKE0000" });
    expect(entry.batchId.toHexString()).to.equal(batch.id);
    expect(entry.brandId.toHexString()).to.equal(brandId);
    expect(entry.client).to.match(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(entry)).not.to.include("iPhone").and.not.to.include("127.0.0.1");
    expect(Date.now() - new Date(entry.at).getTime()).to.be.within(0, 60_000);

    await scan(`${pathOf(batch.digitalLink)}/21/FAKE0000FAKE0000`, "Android 14; Pixel 8");
    const clients = (await logged()).map((item) => item.client);
    expect(clients).to.have.length(2);
    expect(clients[1]).not.to.equal(clients[0]);
  });

  it("keeps one document per device and day however many fake serials one device scans (issue 14, finding 7)", async () => {
    for (let index = 0; index < 40; index++)
      await scan(`${pathOf(batch.digitalLink)}/21/FAKE${1000 + index}`);
    const entries = await logged();
    expect(entries).to.have.length(1);
    expect(entries[0]).to.deep.include({ requests: 40, serial: "FAKE1000" });
    const json = await http(server.baseUrl, "GET", `${pathOf(batch.digitalLink)}/21/FAKE9999`, {
      headers: { accept: "application/json" },
    });
    expect(json.status).to.equal(404);
    expect((await logged())[0].requests, "a JSON call is not a scan").to.equal(40);
  });

  it("logs serials under a lot or GTIN that names no batch without a batch or brand, and a link without a lot", async () => {
    expect((await scan(`/01/${gtin}/10/NO-SUCH-LOT/21/ABC123`)).status).to.equal(404);
    expect((await scan(`/01/${gtin}/21/ABC124`)).status).to.equal(404);
    expect((await scan(`/gtin/${gtin}/lot/NO-SUCH-LOT/ser/ABC125`)).status).to.equal(404);
    const entries = await logged();
    expect(
      entries.map((item) => [item.gtin, item.lot, item.serial, item.batchId, item.brandId, item.requests]),
    ).to.deep.equal([
      [gtin, "NO-SUCH-LOT", "ABC123", null, null, 2],
      [gtin, null, "ABC124", null, null, 1],
    ]);
  });

  it("does not log issued serials, batch links, HEAD requests or malformed links", async () => {
    const plain = await createBatch(server, farm);
    const issued = await http(server.baseUrl, "POST", `/api/batches/${plain.id}/serials`, {
      key: farm.key,
      json: { count: 1 },
    });
    expect(issued.status, issued.text).to.equal(201);
    expect((await scan(pathOf(issued.body.items[0].digitalLink))).status).to.equal(200);
    expect((await scan(pathOf(batch.digitalLink))).status).to.equal(200);
    expect((await scan(`${pathOf(batch.digitalLink)}/21/HEADONLY`, "curl", "HEAD")).status).to.equal(404);
    expect((await scan(`${pathOf(batch.digitalLink)}/21/${"A".repeat(21)}`)).status).to.equal(400);
    expect(await logged()).to.deep.equal([]);
  });

  it("never answers 500, whatever the scanned URL", async () => {
    const lot = pathOf(batch.digitalLink);
    const paths = [
      `${lot}/21/%ZZ`,
      `/01/${gtin}/10/%E0%A4%A/21/A`,
      `${lot}/21/%00`,
      `${lot}/21/`,
      `${lot}/21/A/21/B`,
      `${lot}/21/${encodeURIComponent("<script>")}`,
      `${lot}/21/A%2FB`,
      `${lot}/21/ABC/`,
      `${lot}?21=ABC`,
      `${lot}/21/ABC?lang[]=x`,
      `${lot}/21/ABC?lang=en&lang=zh`,
      `/01/123/10/A/21/B`,
      `/01/${gtin.replace(/2$/, "3")}/10/A/21/B`,
      `/x/y/01/${gtin}/10/${batch.lot}/21/XYZ`,
      `/01//10/x`,
      `/b/zzz`,
      `/b/${"A".repeat(22)}`,
    ];
    for (const path of paths) {
      for (const method of ["GET", "HEAD"]) {
        const response = await scan(path, "scanner", method);
        expect(response.status, `${method} ${path}: ${response.text}`).to.be.within(200, 499);
      }
    }
    const malformed = await scan(`${lot}/21/%ZZ`);
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.code).to.equal("MALFORMED_URL");
  });
});
