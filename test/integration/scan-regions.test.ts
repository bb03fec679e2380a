import { expect } from "chai";
import { createBrand, license } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { pathOf } from "../helpers/verification";

/**
 * The first-scan place of a suspected copy (issue 16): a shopper may share a region for today's
 * scan of an item (coordinates reduced to a province and dropped, or a picked GB/T 2260 code);
 * the suspected-copy verdict, the brand report and the per-province map counts show it.
 */
describe("scan regions (POST {item link}/scan-region)", () => {
  let env: TestEnv;
  let server: TestServer;
  let owner: TestOrg;
  let farm: TestOrg;
  let brandId: string;
  let batch: { id: string };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    brandId = (await createBrand(server, owner, { requiredSchemes: [] })).id;
    await license(server, owner, brandId, farm);
    batch = await createBatch(server, farm, { brand: brandId, quantity: { value: 100, unit: "KGM" } });
  });
  after(() => server.close());

  const db = () => env.runtime.connection.db!;
  const newItem = async () => {
    const response = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/serials`, {
      key: farm.key,
      json: { count: 1, itemQuantity: { value: 0.25, unit: "KGM" } },
    });
    expect(response.status, response.text).to.equal(201);
    return response.body.items[0] as { serial: string; digitalLink: string };
  };
  /** A shopper's scan of the item's page from `device` (its user agent: no cookie is kept). */
  const scan = (item: { digitalLink: string }, device: string) =>
    http(server.baseUrl, "GET", pathOf(item.digitalLink), { headers: { "user-agent": device } });
  const share = (item: { digitalLink: string }, device: string, json: unknown) =>
    http(server.baseUrl, "POST", `${pathOf(item.digitalLink)}/scan-region`, {
      json,
      headers: { "user-agent": device },
    });
  const pick = (item: { digitalLink: string }, device: string, form: Record<string, string>) =>
    http(server.baseUrl, "POST", `${pathOf(item.digitalLink)}/scan-region`, {
      raw: new URLSearchParams(form).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": device },
    });
  const read = (item: { digitalLink: string }) =>
    http(server.baseUrl, "GET", pathOf(item.digitalLink), {
      headers: { accept: "application/json", "user-agent": "a-json-client" },
    });
  const storedScans = async (serial: string) => {
    const serialDoc = await db().collection("serials").findOne({ serial });
    return db().collection("scans").find({ serialId: serialDoc!._id }).toArray();
  };

  it("reduces shared coordinates to the province at once and stores only its code, once per device and day", async () => {
    const item = await newItem();
    await scan(item, "phone-anji");
    const shared = await share(item, "phone-anji", { lat: 30.63, lon: 119.68 });
    expect(shared.status, shared.text).to.equal(200);
    expect(shared.body).to.deep.equal({ region: { code: "33", name: "浙江省", nameEn: "Zhejiang" } });
    const [stored] = await storedScans(item.serial);
    expect(stored.regionCode).to.equal("33");
    expect(JSON.stringify(stored)).to.not.include("30.63").and.not.include("119.68");
    expect(Object.keys(stored).sort()).to.deep.equal([
      "_id",
      "at",
      "batchId",
      "client",
      "day",
      "regionCode",
      "serialId",
    ]);

    const again = await share(item, "phone-anji", { lat: 39.9, lon: 116.4 });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.include("already shared");
    const notScanned = await share(item, "phone-that-never-scanned", { lat: 39.9, lon: 116.4 });
    expect(notScanned.status).to.equal(409);
    expect(notScanned.body.error.message).to.include("has not scanned");
    expect((await storedScans(item.serial)).map((entry) => entry.regionCode)).to.deep.equal(["33"]);
  });

  it("refuses bad input with a 4xx naming the field and stores nothing", async () => {
    const item = await newItem();
    await scan(item, "phone-bad-input");
    const cases: [unknown, number, string][] = [
      [{ lat: 91, lon: 120 }, 400, "body.lat"],
      [{ lat: 30, lon: "120" }, 400, "body.lon"],
      [{ lat: 30 }, 400, "body.lon"],
      [{ lat: 30, lon: 120, regionCode: "33" }, 400, "body.regionCode"],
      [{}, 400, "body.regionCode"],
      [{ regionCode: "3305" + "23" + "1" }, 400, "body.regionCode"],
      [{ regionCode: "99" }, 422, "body.regionCode"],
      [{ regionCode: "339999" }, 422, "body.regionCode"],
      [{ lat: 35.68, lon: 139.69 }, 422, "body.lat"],
      [{ regionCode: "33", where: "home" }, 400, "body.where"],
    ];
    for (const [json, status, field] of cases) {
      const response = await share(item, "phone-bad-input", json);
      expect(response.status, `${JSON.stringify(json)}: ${response.text}`).to.equal(status);
      expect(response.body.error.details[0].field, JSON.stringify(json)).to.equal(field);
    }
    expect((await storedScans(item.serial)).map((entry) => entry.regionCode)).to.deep.equal([undefined]);
    const unknown = await share({ digitalLink: `${item.digitalLink}X` }, "phone-bad-input", {
      regionCode: "33",
    });
    expect(unknown.status).to.equal(404);
  });

  it("takes a region the shopper picks from the page's form (county level) and answers a page", async () => {
    const item = await newItem();
    const page = await scan(item, "phone-picker");
    const action = /<form method="post" action="([^"]+)" data-testid="pick-region"/.exec(page.text)?.[1];
    expect(action).to.equal(`${pathOf(item.digitalLink)}/scan-region`);
    expect(page.text)
      .to.include("分享大致位置，帮助品牌识别假货")
      .and.include('<option value="33">浙江省</option>');
    const csp = page.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(page.text).to.include(`<script nonce="${nonce}">`);
    expect(csp)
      .to.include("default-src 'none'")
      .and.include("connect-src 'self'")
      .and.include("form-action 'self'");
    const picked = await pick(item, "phone-picker", { regionCode: "330523", lang: "zh" });
    expect(picked.status, picked.text).to.equal(200);
    expect(picked.text).to.include("已记录大致位置：浙江省 湖州市 安吉县");
    expect((await storedScans(item.serial))[0].regionCode).to.equal("330523");
    const again = await pick(item, "phone-picker", { regionCode: "33", lang: "zh" });
    expect(again.status).to.equal(409);
    expect(again.text).to.include('data-testid="region-refused"').and.include("今天已分享过");
  });

  it("names the first scan's time and region in the suspected-copy verdict, or says 地点未知", async () => {
    const located = await newItem();
    await scan(located, "first-shopper");
    expect((await share(located, "first-shopper", { lat: 30.27, lon: 120.15 })).status).to.equal(200);
    const unlocated = await newItem();
    for (let device = 1; device <= 6; device++) {
      await scan(located, `copy-phone-${device}`);
      await scan(unlocated, `copy-phone-${device}`);
    }
    await share(located, "copy-phone-2", { lat: 39.9, lon: 116.4 });
    const json = await read(located);
    expect(json.body.verdict).to.equal("suspected-copy");
    expect(json.body.serial.firstScanRegion).to.deep.equal({
      code: "33",
      name: "浙江省",
      nameEn: "Zhejiang",
    });
    const firstScan = (html: string) =>
      /data-testid="first-scan"><dt>([^<]*)<\/dt><dd>([^<]*)<\/dd>/.exec(html)!.slice(1).join("：");
    expect(firstScan((await scan(located, "copy-phone-7")).text)).to.match(
      /^首次扫描：.+\(UTC\+8\)，浙江省$/,
    );
    expect(firstScan((await scan(unlocated, "copy-phone-7")).text)).to.match(
      /^首次扫描：.+\(UTC\+8\)，地点未知$/,
    );
    const english = await http(server.baseUrl, "GET", `${pathOf(located.digitalLink)}?lang=en`);
    expect(firstScan(english.text)).to.match(/, Zhejiang$/);
  });

  it("gives the brand report's suspected copies their first scan and the brand a per-province count", async () => {
    const report = await http(server.baseUrl, "GET", `/api/brands/${brandId}/report`, { key: owner.key });
    const anomaly = report.body.anomalies.find(
      (entry: { kind: string }) => entry.kind === "suspected_copy_serials",
    );
    const regions = anomaly.facts.listed.map(
      (item: { firstScan: { at: string; region: { code: string } | null } }) =>
        item.firstScan.region?.code ?? null,
    );
    expect(regions.sort()).to.deep.equal(["33", null]);
    for (const item of anomaly.facts.listed) expect(item.firstScan.at).to.equal(item.firstAt);

    const csv = await http(server.baseUrl, "GET", `/api/brands/${brandId}/report?format=csv`, {
      key: owner.key,
    });
    expect(csv.text.split("\r\n")[0]).to.include("首次扫描时间,首次扫描地点");
    const copiedRows = csv.text.split("\r\n").filter((line) => line.startsWith("copied-serial,"));
    expect(copiedRows).to.have.length(2);
    expect(copiedRows.map((line) => line.split(",").at(-1)).sort()).to.deep.equal(["地点未知", "浙江省"]);

    const path = `/api/brands/${brandId}/suspected-copies/regions`;
    const map = await http(server.baseUrl, "GET", path, { key: owner.key });
    expect(map.status, map.text).to.equal(200);
    expect(map.body).to.deep.equal({
      items: [
        { code: "11", name: "北京市", nameEn: "Beijing", serials: 1, scans: 1 },
        { code: "33", name: "浙江省", nameEn: "Zhejiang", serials: 1, scans: 1 },
      ],
    });
    expect((await http(server.baseUrl, "GET", path, { key: farm.key })).status).to.equal(403);
  });

  it("limits posts per address (60 an hour), whatever they carry", async () => {
    const item = await newItem();
    let status = 0;
    for (let post = 0; post < 61 && status !== 429; post++) {
      status = (await share(item, `rate-limited-${post}`, { regionCode: "33" })).status;
    }
    expect(status).to.equal(429);
    const refused = await share(item, "rate-limited-last", { regionCode: "33" });
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal("TOO_MANY_REGION_POSTS");
  });
});
