import { expect } from "chai";
import { Types } from "mongoose";
import { createBrand, license } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";
import { pathOf } from "../helpers/verification";

const KG = (value: number) => ({ value, unit: "KGM" });

describe("brand report (GET /api/brands/:id/report)", () => {
  let env: TestEnv;
  let server: TestServer;
  let owner: TestOrg;
  let farm: TestOrg;
  let shop: TestOrg;
  let brandId: string;
  let licenceId: string;

  before(async () => {
    env = await testEnv();
  });
  beforeEach(async () => {
    await clearDatabase(env);
    server = await startTestServer(env);
    owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    shop = await createOrg(server, "杭州农产品超市", ["retailer"]);
    brandId = (await createBrand(server, owner, { requiredSchemes: [] })).id;
    licenceId = (await license(server, owner, brandId, farm)).id;
  });
  afterEach(() => server.close());

  const db = () => env.runtime.connection.db!;
  const post = (key: string, path: string, json: unknown = {}) =>
    http(server.baseUrl, "POST", path, { key, json });
  const report = async (query = "", key = owner.key) => {
    const response = await http(server.baseUrl, "GET", `/api/brands/${brandId}/report${query}`, { key });
    expect(response.status, response.text).to.equal(200);
    return response.body;
  };
  const kinds = (body: { anomalies: { kind: string }[] }) => body.anomalies.map((anomaly) => anomaly.kind);
  const branded = (value = 100) => createBatch(server, farm, { brand: brandId, quantity: KG(value) });
  const label = async (batchId: string, count: number, item = 0.25) => {
    const response = await post(farm.key, `/api/batches/${batchId}/serials`, {
      count,
      itemQuantity: KG(item),
    });
    expect(response.status, response.text).to.equal(201);
    return response.body.items as { serial: string; digitalLink: string }[];
  };
  const ship = async (batchId: string, value: number, eventTime?: string) => {
    const response = await post(farm.key, `/api/batches/${batchId}/transfers`, {
      to: shop.id,
      quantity: KG(value),
      ...(eventTime ? { eventTime } : {}),
    });
    expect(response.status, response.text).to.equal(201);
    return response.body.transfer as { id: string; batchId: string };
  };
  const changeLicence = async (action: string, reason: string) => {
    const response = await post(owner.key, `/api/licences/${licenceId}/${action}`, { reason });
    expect(response.status, response.text).to.equal(200);
    const changedAt = Date.parse(response.body.licence.statusChangedAt);
    // Later records must be strictly after the change: wait for the clock, not for a fixed time.
    while (Date.now() <= changedAt) await new Promise((resolve) => setImmediate(resolve));
    return changedAt;
  };

  it("reports a clean brand: quota used equals what its batches claimed, labels all shipped, no anomaly", async () => {
    const batch = await branded(100);
    const items = await label(batch.id, 40);
    const transfer = await ship(batch.id, 10);
    expect((await post(shop.key, `/api/transfers/${transfer.id}/accept`)).status).to.equal(200);
    const scanned = await http(server.baseUrl, "GET", pathOf(items[0].digitalLink), {
      headers: { accept: "text/html" },
    });
    expect(scanned.status).to.equal(200);
    const otherFarm = await createOrg(server, "溪龙乡茶场", ["producer"]);
    const unused = await license(server, owner, brandId, otherFarm);
    expect((await post(owner.key, `/api/licences/${unused.id}/revoke`, { reason: "停产" })).status).to.equal(
      200,
    );

    const body = await report("?batches=true");
    expect(body.anomalies).to.deep.equal([]);
    expect(Object.values(body.countsByKind)).to.deep.equal([0, 0, 0, 0, 0, 0, 0]);
    expect(body.brand).to.deep.include({ id: brandId, ownerId: owner.id });
    const [row, revoked] = body.licences;
    expect(row).to.deep.include({
      licenceId,
      producer: { id: farm.id, name: "黄杜村茶叶合作社" },
      category: "tea",
      period: { from: "2026-03-01", until: "2026-12-31" },
      status: "active",
      quota: KG(1000),
      used: KG(100),
      claimed: KG(100),
      remaining: KG(900),
    });
    expect(
      row.batches.map((item: { batchId: string; claimsQuota: boolean; labels: number }) => [
        item.batchId,
        item.claimsQuota,
        item.labels,
      ]),
    ).to.deep.equal([
      [batch.id, true, 40],
      [transfer.batchId, false, 0],
    ]);
    expect(row.batches[0].labelled).to.deep.equal(KG(10));
    expect(revoked).to.deep.include({ status: "revoked", used: KG(0), claimed: KG(0) });
    expect(revoked.batches).to.deep.equal([]);
    expect((await report()).licences[0]).not.to.have.property("batches");
  });

  it("reports quota taken without a stored batch (the crash window of decision 0010) as quota_counter_mismatch", async () => {
    await branded(100);
    // What a process killed between the quota $inc and the batch insert leaves behind.
    await db()
      .collection("licences")
      .updateOne({ _id: new Types.ObjectId(licenceId) }, { $inc: { used: 25, remaining: -25 } });
    const body = await report();
    expect(kinds(body)).to.deep.equal(["quota_counter_mismatch"]);
    expect(body.anomalies[0]).to.deep.include({
      severity: "medium",
      subject: { licenceId, producerId: farm.id },
    });
    expect(body.anomalies[0].facts.difference).to.deep.equal(KG(25));
    expect(body.anomalies[0].message).to.include("125 KGM taken").and.include("hold 100 KGM");
    expect(body.licences[0]).to.deep.include({ used: KG(125), claimed: KG(100) });
  });

  it("reports labels for more than has left the producer as labels_beyond_shipped, split children included", async () => {
    const batch = await branded(100);
    await label(batch.id, 40);
    const transfer = await ship(batch.id, 4);
    await label(transfer.batchId, 4);
    const body = await report();
    expect(kinds(body)).to.deep.equal(["labels_beyond_shipped"]);
    expect(body.anomalies[0].subject).to.deep.equal({ batchId: batch.id, producerId: farm.id, licenceId });
    expect(body.anomalies[0].facts).to.deep.include({ labelled: KG(11), shipped: KG(4), excess: KG(7) });
    expect(body.anomalies[0].facts.memberIds).to.have.members([batch.id, transfer.batchId]);
  });

  it("reports scans of never-issued serials per GTIN and lot as unknown_serial_scans, not those of other brands' lots", async () => {
    const batch = await branded(100);
    const fake = `${pathOf(batch.digitalLink)}/21/FAKE0000FAKE0000`;
    const scan = (path: string, device: string) =>
      http(server.baseUrl, "GET", path, { headers: { accept: "text/html", "user-agent": device } });
    expect((await scan(fake, "phone-1")).status).to.equal(404);
    await scan(fake, "phone-2");
    await scan(`${pathOf(batch.digitalLink)}/21/FAKE0000FAKE0001`, "phone-2");
    await scan(`/01/06901234567892/10/INVENTED-LOT/21/X1`, "phone-3");
    const unbranded = await createBatch(server, farm);
    await scan(`${pathOf(unbranded.digitalLink)}/21/NOTOURS`, "phone-4");

    const body = await report();
    expect(kinds(body)).to.deep.equal(["unknown_serial_scans", "unknown_serial_scans"]);
    const byLot = Object.fromEntries(
      body.anomalies.map((anomaly: { subject: { lot: string } }) => [anomaly.subject.lot, anomaly]),
    );
    expect(byLot[batch.lot].subject).to.deep.equal({
      gtin: "06901234567892",
      lot: batch.lot,
      batchId: batch.id,
    });
    // phone-2 tried two serials on one day: one device-day, two requests.
    expect(byLot[batch.lot].facts).to.deep.include({ scans: 2, requests: 3, serials: 1, clients: 2 });
    expect(byLot[batch.lot].severity).to.equal("low");
    expect(Date.parse(byLot[batch.lot].facts.firstAt)).to.be.at.most(
      Date.parse(byLot[batch.lot].facts.lastAt),
    );
    expect(byLot["INVENTED-LOT"].facts).to.deep.include({ scans: 1, serials: 1 });
    expect(byLot["INVENTED-LOT"].message).to.include("(no such batch)");
  });

  it("reports issued serials scanned from many devices as suspected_copy_serials (high), as the item's page says", async () => {
    const batch = await branded(100);
    const [item] = await label(batch.id, 1);
    for (let device = 1; device <= 6; device++) {
      await http(server.baseUrl, "GET", pathOf(item.digitalLink), {
        headers: { accept: "text/html", "user-agent": `phone-${device}` },
      });
    }
    const body = await report();
    expect(kinds(body)).to.include("suspected_copy_serials");
    const anomaly = body.anomalies.find((entry: { kind: string }) => entry.kind === "suspected_copy_serials");
    expect(anomaly).to.deep.include({ severity: "high", subject: { batchId: batch.id } });
    expect(anomaly.facts.listed).to.have.length(1);
    expect(anomaly.facts.listed[0]).to.deep.include({ serial: item.serial, scans: 6, devices: 6 });
    const reported = await http(server.baseUrl, "POST", `${pathOf(item.digitalLink)}/fake-report`, {
      raw: "reason=label-copied",
      headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "phone-1" },
    });
    expect(reported.status, reported.text).to.equal(200);
    const after = await report();
    const fakes = after.anomalies.find((entry: { kind: string }) => entry.kind === "fake_reports");
    expect(fakes).to.deep.include({ severity: "medium", subject: { batchId: batch.id } });
    expect(fakes.facts).to.deep.equal({ reports: 1, serials: 1 });
  });

  it("reports a batch shipped after its licence was revoked as revoked_licence_selling, naming the event", async () => {
    const batch = await branded(100);
    await ship(batch.id, 10, "2026-05-01T08:00:00+08:00");
    const changedAt = await changeLicence("revoke", "以次充好");
    const late = await ship(batch.id, 10, new Date(changedAt + 1000).toISOString());
    const body = await report();
    expect(kinds(body)).to.deep.equal(["revoked_licence_selling"]);
    const [anomaly] = body.anomalies;
    expect(anomaly).to.deep.include({ severity: "high" });
    expect(anomaly.subject).to.deep.include({ licenceId, batchId: late.batchId });
    expect(anomaly.subject.eventIds).to.have.length(1);
    expect(anomaly.message).to.include("1 shipping events").and.include("was revoked on");
  });

  it("reports consumer scans of a batch's serials after its licence was suspended as revoked_licence_selling (medium)", async () => {
    const batch = await branded(100);
    const [item] = await label(batch.id, 4, 2.5);
    await ship(batch.id, 10);
    await changeLicence("suspend", "抽检不合格");
    const scanned = await http(server.baseUrl, "GET", pathOf(item.digitalLink), {
      headers: { accept: "text/html" },
    });
    expect(scanned.status).to.equal(200);
    const body = await report();
    expect(kinds(body)).to.deep.equal(["revoked_licence_selling"]);
    expect(body.anomalies[0]).to.deep.include({ severity: "medium" });
    expect(body.anomalies[0].facts).to.deep.include({ status: "suspended", events: 0, scans: 1 });
  });

  it("reports a licence whose status change never reached the register as unrecorded_licence_change", async () => {
    await branded(100);
    // What a process killed between the licence write and its register event leaves behind.
    await db()
      .collection("licences")
      .updateOne(
        { _id: new Types.ObjectId(licenceId) },
        { $set: { status: "suspended", statusChangedAt: new Date() } },
      );
    let body = await report();
    expect(kinds(body)).to.deep.equal(["unrecorded_licence_change"]);
    expect(body.anomalies[0].message).to.include("(licence_issued), which cannot have made it suspended");
    await db()
      .collection("licences")
      .updateOne(
        { _id: new Types.ObjectId(licenceId) },
        { $set: { status: "active" }, $unset: { statusEventId: "" } },
      );
    body = await report();
    expect(kinds(body)).to.deep.equal(["unrecorded_licence_change"]);
    expect(body.anomalies[0].message).to.include("has no register event id");
  });

  it("answers CSV with ?format=csv: licence, batch and anomaly rows, formula characters defused", async () => {
    const sly = await createOrg(server, '=HYPERLINK("http://x","茶")', ["producer"]);
    await license(server, owner, brandId, sly);
    const batch = await branded(100);
    await label(batch.id, 40);
    const response = await http(
      server.baseUrl,
      "GET",
      `/api/brands/${brandId}/report?format=csv&batches=true`,
      {
        key: owner.key,
      },
    );
    expect(response.status).to.equal(200);
    expect(response.headers.get("content-type")).to.match(/^text\/csv/);
    const bytes = Buffer.from(
      await (
        await fetch(`${server.baseUrl}/api/brands/${brandId}/report?format=csv`, {
          headers: { authorization: `Bearer ${owner.key}` },
        })
      ).arrayBuffer(),
    );
    expect([...bytes.subarray(0, 3)], "UTF-8 byte order mark, for Excel").to.deep.equal([0xef, 0xbb, 0xbf]);
    const lines = response.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines[0]).to.equal(
      "记录类型,授权编号,生产者编号,生产者,品类,授权起始,授权截止,状态,状态变更时间,单位,配额,已用,批次申领,剩余,批次编号,批号,商品条码,数量,占用配额,单品码数,单品码对应数量,异常类型,严重程度,说明,序列号,首次扫描时间,首次扫描地点",
    );
    expect(lines.map((line) => line.split(",")[0])).to.deep.equal([
      "记录类型",
      "licence",
      "batch",
      "licence",
      "anomaly",
    ]);
    expect(lines[1]).to.match(
      new RegExp(
        `^licence,${licenceId},${farm.id},黄杜村茶叶合作社,tea,2026-03-01,2026-12-31,active,[^,]+,KGM,1000,100,100,900,`,
      ),
    );
    expect(lines[2]).to.equal(
      `batch,${licenceId},${farm.id},,,,,,,KGM,,,,,${batch.id},${batch.lot},06901234567892,100,true,40,10,,,,,,`,
    );
    expect(lines[3]).to.include(`"'=HYPERLINK(""http://x"",""茶"")"`);
    expect(lines[4]).to.match(/^anomaly,.*,labels_beyond_shipped,medium,/);
  });

  describe("brand officers' pages from signed links (POST /api/brands/:id/page-links)", () => {
    const links = async (key = owner.key, json: unknown = {}) =>
      post(key, `/api/brands/${brandId}/page-links`, json);
    const open = (url: string) =>
      http(server.baseUrl, "GET", url.startsWith("/") ? url : pathOf(url), {
        headers: { accept: "text/html" },
      });

    it("opens the report page in Chinese and its CSV (byte order mark) without a key; a changed link is refused", async () => {
      const batch = await branded(100);
      await label(batch.id, 4);
      const issued = await links();
      expect(issued.status, issued.text).to.equal(201);
      expect(Date.parse(issued.body.expiresAt) - Date.now()).to.be.within(
        23 * 3600_000,
        24 * 3600_000 + 60_000,
      );
      const page = await open(issued.body.report);
      expect(page.status, page.text).to.equal(200);
      expect(page.headers.get("content-language")).to.equal("zh-CN");
      expect(page.text).to.include("品牌报告").and.include("黄杜村茶叶合作社").and.include("授权与配额");
      expect(page.text).to.include('data-testid="licence-row"');
      const csv = await fetch(`${server.baseUrl}${pathOf(issued.body["report.csv"])}`);
      expect(csv.status).to.equal(200);
      expect([...Buffer.from(await csv.arrayBuffer()).subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      // A different first character (replacing it with a fixed one left it unchanged 1 time in 64).
      const tampered = issued.body.report.replace(
        /sig=(.)/,
        (_: string, first: string) => `sig=${first === "A" ? "B" : "A"}`,
      );
      expect((await open(tampered)).status).to.equal(403);
      const otherPage = issued.body.report.replace("/report?", "/audit?");
      expect((await open(otherPage)).status, "a signature opens its own page only").to.equal(403);
      const later = issued.body.report.replace(
        /expires=(\d+)/,
        (_: string, at: string) => `expires=${Number(at) + 3600}`,
      );
      expect((await open(later)).status, "the expiry is signed").to.equal(403);
      expect((await open(`/brands/${brandId}/report`)).status).to.equal(400);
    });

    it("is issued to the brand's owner only (or auditors, admins), for 1 hour to 7 days", async () => {
      const otherOwner = await createOrg(server, "五常市大米协会", ["brand_owner"]);
      expect((await links(otherOwner.key)).status).to.equal(403);
      const tooLong = await links(owner.key, { hours: 500 });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.body.error.details[0].field).to.equal("body.hours");
    });

    it("does not say 未发现问题 on the brand audit page while the report shows a high anomaly", async () => {
      const batch = await branded(100);
      const [item] = await label(batch.id, 1);
      for (let device = 1; device <= 6; device++) {
        await http(server.baseUrl, "GET", pathOf(item.digitalLink), {
          headers: { accept: "text/html", "user-agent": `phone-${device}` },
        });
      }
      const started = await post(owner.key, "/api/audit/runs", { scope: { brandId } });
      expect(started.status, started.text).to.equal(202);
      for (;;) {
        const polled = await http(server.baseUrl, "GET", `/api/audit/runs/${started.body.id}`, {
          key: owner.key,
        });
        if (polled.body.state === "done") break;
        expect(polled.body.state).to.not.equal("failed");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const page = await open((await links()).body.audit);
      expect(page.status, page.text).to.equal(200);
      expect(page.text).to.not.include("未发现问题");
      expect(page.text).to.include('data-testid="high-anomalies"').and.include("单品码疑似被复制");
      const api = await http(server.baseUrl, "GET", `/api/audit/runs/${started.body.id}/report.html`, {
        key: owner.key,
      });
      expect(api.text).to.not.include("未发现问题");
      expect(api.text).to.include("单品码疑似被复制");
    });
  });

  describe("access", () => {
    it("is for the brand's owner, auditors and admins; others 403, no key 401, unknown brand 404, bad query 400", async () => {
      const auditor = await createOrg(server, "浙江省市场监督管理局", ["auditor"]);
      const otherOwner = await createOrg(server, "五常市大米协会", ["brand_owner"]);
      const path = `/api/brands/${brandId}/report`;
      const status = async (key?: string, target = path) =>
        (await http(server.baseUrl, "GET", target, key ? { key } : {})).status;
      expect(await status(owner.key)).to.equal(200);
      expect(await status(auditor.key)).to.equal(200);
      expect(await status(server.adminKey)).to.equal(200);
      expect(await status(otherOwner.key)).to.equal(403);
      expect(await status(farm.key)).to.equal(403);
      expect(await status()).to.equal(401);
      expect(await status(owner.key, `/api/brands/${new Types.ObjectId().toHexString()}/report`)).to.equal(
        404,
      );
      const bad = await http(server.baseUrl, "GET", `${path}?format=xlsx`, { key: owner.key });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].field).to.equal("query.format");
    });
  });
});
