import { expect } from "chai";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { decodeQrPng, pathOf } from "../helpers/verification";

describe("item serials and scans", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let shop: TestOrg;
  let batch: { id: string; publicId: string; lot: string; digitalLink: string };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    shop = await createOrg(server, "杭州农产品超市", ["retailer", "producer"]);
    batch = await createBatch(server, farm);
  });
  after(() => server.close());

  const issue = (count: number, key = farm.key, batchId = batch.id) =>
    http(server.baseUrl, "POST", `/api/batches/${batchId}/serials`, { key, json: { count } });
  /** A shopper's scan: the item's link opened as a page by a device (its user agent). */
  const scan = (link: string, device = "iPhone; CPU iPhone OS 17_0", headers: Record<string, string> = {}) =>
    http(server.baseUrl, "GET", pathOf(link), { headers: { "user-agent": device, ...headers } });
  /** What the same link answers as JSON (not a scan). */
  const read = (link: string) =>
    http(server.baseUrl, "GET", pathOf(link), {
      headers: { accept: "application/json", "user-agent": "a-json-client" },
    });

  describe("POST /api/batches/:id/serials", () => {
    it("issues N distinct, unguessable serials, each with its item-level Digital Link", async () => {
      const response = await issue(50);
      expect(response.status, response.text).to.equal(201);
      expect(response.body.count).to.equal(50);
      const serials = response.body.items.map((item: { serial: string }) => item.serial);
      expect(new Set(serials).size).to.equal(50);
      for (const item of response.body.items) {
        expect(item.serial).to.match(/^[0-9A-HJKMNP-TV-Z]{16}$/);
        expect(item.digitalLink).to.equal(`${batch.digitalLink}/21/${item.serial}`);
      }
      expect(await env.runtime.connection.db!.collection("serials").countDocuments({})).to.equal(50);
    });

    it("is refused to anyone but the batch's producer, for batches without a GTIN, and beyond 10 000", async () => {
      expect((await issue(1, shop.key)).status).to.equal(403);
      const plain = await createBatch(server, farm, { product: { name: "林下香菇", category: "forest" } });
      const noGtin = await issue(1, farm.key, plain.id);
      expect(noGtin.status).to.equal(422);
      expect(noGtin.body.error.code).to.equal("GTIN_REQUIRED");
      const tooMany = await issue(10_001);
      expect(tooMany.status).to.equal(400);
      expect(tooMany.body.error.details[0].field).to.equal("body.count");
      expect(
        (await http(server.baseUrl, "POST", `/api/batches/${batch.id}/serials`, { json: { count: 1 } }))
          .status,
      ).to.equal(401);
    });
  });

  describe("scanning an item's link", () => {
    it("logs a scan per device and day and shows the counts; a few scans of a genuine item raise no flag", async () => {
      const [item] = (await issue(1)).body.items;
      expect((await scan(item.digitalLink)).status).to.equal(200);
      const first = await read(item.digitalLink);
      expect(first.status).to.equal(200);
      expect(first.body.batch.id).to.equal(batch.id);
      expect(first.body.serial).to.deep.include({
        serial: item.serial,
        scans: 1,
        distinctClients: 1,
        suspectedCopy: false,
      });
      expect(first.body.serial.firstScanAt).to.be.a("string");
      await scan(item.digitalLink, "Android 14; Pixel 8");
      await scan(item.digitalLink);
      const third = await read(item.digitalLink);
      expect(third.body.serial).to.deep.include({ scans: 2, distinctClients: 2, suspectedCopy: false });
      expect(
        third.body.checks.find((check: { name: string }) => check.name === "label-scans").status,
      ).to.equal("pass");
      expect(await env.runtime.connection.db!.collection("scans").countDocuments({})).to.equal(2);
      const listed = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/serials?limit=500`, {
        key: farm.key,
      });
      expect(
        listed.body.items.find((entry: { serial: string }) => entry.serial === item.serial).scans,
      ).to.equal(2);
    });

    it("counts one person reloading 22 times, the page's language link and JSON calls as one scan", async () => {
      const [item] = (await issue(1)).body.items;
      for (let index = 0; index < 22; index++) await scan(item.digitalLink);
      for (let index = 0; index < 5; index++) {
        await scan(`${item.digitalLink}?lang=en`, `other-device-${index}`);
        await read(item.digitalLink);
      }
      const after = await read(item.digitalLink);
      expect(after.body.serial).to.deep.include({ scans: 1, distinctClients: 1, suspectedCopy: false });
      expect(after.body.verdict).to.not.equal("suspected-copy");
    });

    it("keeps a device its cookie: a phone that changes address and browser string is still one device", async () => {
      const [item] = (await issue(1)).body.items;
      const first = await scan(item.digitalLink, "phone-on-wifi");
      const cookie = /et_device=([0-9a-f]{16})/.exec(first.headers.get("set-cookie") ?? "")?.[1];
      expect(cookie, first.headers.get("set-cookie") ?? "no set-cookie").to.be.a("string");
      for (let index = 0; index < 7; index++) {
        await scan(item.digitalLink, `phone-on-mobile-${index}`, { cookie: `et_device=${cookie}` });
      }
      expect((await read(item.digitalLink)).body.serial).to.deep.include({ scans: 1, distinctClients: 1 });
    });

    it("gives a serial scanned from many different devices the verdict suspected-copy, on the page too", async () => {
      const [item] = (await issue(1)).body.items;
      for (let device = 1; device <= 6; device++) await scan(item.digitalLink, `device-${device}`);
      const last = await read(item.digitalLink);
      expect(last.body.serial).to.deep.include({ distinctClients: 6, suspectedCopy: true });
      expect(last.body.serial.reason).to.equal("scanned from 6 different devices (more than 5)");
      // The one verdict: not "verified" or "pending" next to a copy flag.
      expect(last.body.verdict).to.equal("suspected-copy");
      const html = await scan(item.digitalLink, "device-7");
      expect(html.text).to.include('data-verdict="suspected-copy"').and.include("疑似仿冒");
      expect(html.text).to.not.include("已验证");
    });

    it("takes a shopper's fake report from the page's form once per device, with a reason from a fixed list", async () => {
      const [item] = (await issue(1)).body.items;
      const page = await scan(item.digitalLink);
      const action = /<form class="report-fake" method="post" action="([^"]+)"/.exec(page.text)?.[1];
      expect(action).to.equal(`${pathOf(item.digitalLink)}/fake-report`);
      const report = (reason: string, device: string) =>
        http(server.baseUrl, "POST", action!, {
          raw: new URLSearchParams({ reason, lang: "zh" }).toString(),
          headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": device },
        });
      const first = await report("label-copied", "phone-a");
      expect(first.status, first.text).to.equal(200);
      expect(first.text).to.include("已收到您的举报");
      expect((await report("package-differs", "phone-a")).status).to.equal(200);
      await report("label-copied", "phone-b");
      const stored = await env.runtime.connection.db!.collection("fakereports").find({}).toArray();
      expect(stored.map((entry) => entry.reason).sort()).to.deep.equal(["label-copied", "label-copied"]);
      const bad = await report("<script>", "phone-c");
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].field).to.equal("body.reason");
      expect(await env.runtime.connection.db!.collection("fakereports").countDocuments({})).to.equal(2);
      const unknown = await http(
        server.baseUrl,
        "POST",
        `${pathOf(batch.digitalLink)}/21/NOSUCH/fake-report`,
        {
          raw: "reason=label-copied",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        },
      );
      expect(unknown.status).to.equal(404);
    });

    it("answers unknown (404) for a serial that was never issued", async () => {
      const response = await read(`${batch.digitalLink}/21/0000000000000000`);
      expect(response.status).to.equal(404);
      expect(response.body.verdict).to.equal("unknown");
      expect(response.body.checks[0].detail).to.equal(
        `serial 0000000000000000 was never issued for lot ${batch.lot}`,
      );
      expect(response.body.batch).to.equal(null);
    });
  });

  describe("QR codes of serials", () => {
    it("encodes the item-level link with ?serial= (decoded with a real QR decoder)", async () => {
      const [item] = (await issue(1)).body.items;
      const response = await fetch(
        `${server.baseUrl}/api/batches/${batch.publicId}/qr.png?serial=${item.serial}`,
      );
      expect(response.status).to.equal(200);
      expect(decodeQrPng(Buffer.from(await response.arrayBuffer()))).to.equal(item.digitalLink);
      const unknown = await fetch(
        `${server.baseUrl}/api/batches/${batch.publicId}/qr.png?serial=ZZZZZZZZZZZZZZZZ`,
      );
      expect(unknown.status).to.equal(404);
    });
  });
});
