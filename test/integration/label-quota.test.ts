import { expect } from "chai";
import { Types } from "mongoose";
import { serialModel } from "../../server/modules/labels/data/serial.model";
import { createBrand, license, licensedBrand } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

const KG = (value: number) => ({ value, unit: "KGM" });

describe("label quota of branded batches (POST /api/batches/:id/serials)", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let otherFarm: TestOrg;
  let brandId: string;

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶叶合作社", ["producer"]);
    otherFarm = await createOrg(server, "溪龙乡茶场", ["producer"]);
    brandId = await licensedBrand(server, farm);
  });
  after(() => server.close());

  const issue = (batchId: string, json: Record<string, unknown>, key = farm.key) =>
    http(server.baseUrl, "POST", `/api/batches/${batchId}/serials`, { key, json });
  const branded = (quantity = KG(10), overrides: Record<string, unknown> = {}) =>
    createBatch(server, farm, { brand: brandId, quantity, ...overrides });
  const stored = async (batchId: string) => {
    const db = env.runtime.connection.db!;
    const id = new Types.ObjectId(batchId);
    const batch = await db.collection("batches").findOne({ _id: id });
    return {
      labelled: batch!.labelled ?? 0,
      serials: await db.collection("serials").countDocuments({ batchId: id }),
    };
  };

  it("issues serials for what each item holds and counts the batch's labelled quantity", async () => {
    const batch = await branded(KG(500));
    const response = await issue(batch.id, { count: 100, itemQuantity: KG(0.25) });
    expect(response.status, response.text).to.equal(201);
    expect(response.body).to.deep.include({ count: 100, itemQuantity: KG(0.25), labelled: KG(25) });
    const again = await issue(batch.id, { count: 10, itemQuantity: KG(0.5) });
    expect(again.body.labelled).to.deep.equal(KG(30));
    expect(await stored(batch.id)).to.deep.equal({ labelled: 30, serials: 110 });
    const listed = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/serials?limit=1`, {
      key: farm.key,
    });
    expect(listed.body.items[0].itemQuantity).to.deep.equal(KG(0.25));
  });

  it("refuses labels beyond the batch's quantity, naming what is left, and accepts what fits", async () => {
    const batch = await branded(KG(10));
    expect((await issue(batch.id, { count: 30, itemQuantity: KG(0.25) })).status).to.equal(201);
    const over = await issue(batch.id, { count: 11, itemQuantity: KG(0.25) });
    expect(over.status).to.equal(422);
    expect(over.body.error.code).to.equal("LABEL_QUOTA_EXCEEDED");
    expect(over.body.error.message).to.include(`batch ${batch.lot} has 2.5 KGM left`);
    expect(over.body.error.details).to.deep.equal({
      batchId: batch.id,
      left: KG(2.5),
      requested: KG(2.75),
      itemsThatFit: 10,
    });
    expect(await stored(batch.id)).to.deep.equal({ labelled: 7.5, serials: 30 });
    expect((await issue(batch.id, { count: 10, itemQuantity: KG(0.25) })).status).to.equal(201);
    const full = await issue(batch.id, { count: 1, itemQuantity: KG(0.001) });
    expect(full.body.error.details.left).to.deep.equal(KG(0));
    expect(await stored(batch.id)).to.deep.equal({ labelled: 10, serials: 40 });
  });

  it("needs itemQuantity in the batch's own unit, converting nothing, and stores nothing otherwise", async () => {
    const batch = await branded(KG(10));
    for (const [json, field] of [
      [{ count: 1 }, "body.itemQuantity"],
      [{ count: 1, itemQuantity: { value: 250, unit: "GRM" } }, "body.itemQuantity.unit"],
      [{ count: 1, itemQuantity: { value: 1, unit: "H87" } }, "body.itemQuantity.unit"],
    ] as const) {
      const response = await issue(batch.id, json);
      expect(response.status, response.text).to.equal(422);
      expect(response.body.error.details).to.deep.equal([
        { field, problem: response.body.error.details[0].problem },
      ]);
      expect(response.body.error.message).to.include("KGM");
    }
    const bad = await issue(batch.id, { count: 1, itemQuantity: { value: -1, unit: "KGM" } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal("body.itemQuantity.value");
    expect(await stored(batch.id)).to.deep.equal({ labelled: 0, serials: 0 });
  });

  it("labels a batch counted in pieces one piece per item unless told otherwise, in whole pieces", async () => {
    const owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
    const brand = await createBrand(server, owner, { requiredSchemes: [] });
    await license(server, owner, brand.id, farm, { quota: { value: 1000, unit: "H87" } });
    const batch = await createBatch(server, farm, { brand: brand.id, quantity: { value: 100, unit: "H87" } });
    const ones = await issue(batch.id, { count: 94 });
    expect(ones.status, ones.text).to.equal(201);
    expect(ones.body).to.deep.include({
      itemQuantity: { value: 1, unit: "H87" },
      labelled: { value: 94, unit: "H87" },
    });
    const half = await issue(batch.id, { count: 1, itemQuantity: { value: 0.5, unit: "H87" } });
    expect(half.status).to.equal(422);
    expect(half.body.error.details[0].field).to.equal("body.itemQuantity.value");
    expect((await issue(batch.id, { count: 1, itemQuantity: { value: 6, unit: "H87" } })).status).to.equal(
      201,
    );
    const over = await issue(batch.id, { count: 1 });
    expect(over.body.error).to.include({ code: "LABEL_QUOTA_EXCEEDED" });
    expect(over.body.error.details.left).to.deep.equal({ value: 0, unit: "H87" });
  });

  it("counts labels of split batches against the batch they were split from", async () => {
    const root = await branded(KG(10));
    expect((await issue(root.id, { count: 32, itemQuantity: KG(0.25) })).status).to.equal(201);
    const shipped = await http(server.baseUrl, "POST", `/api/batches/${root.id}/transfers`, {
      key: farm.key,
      json: { to: otherFarm.id, quantity: KG(5) },
    });
    expect(shipped.status, shipped.text).to.equal(201);
    const childId = shipped.body.transfer.batchId as string;
    const over = await issue(childId, { count: 12, itemQuantity: KG(0.25) });
    expect(over.status).to.equal(422);
    expect(over.body.error.message).to.include(`batch ${root.lot}, which`).and.include("has 2 KGM left");
    expect(over.body.error.details).to.deep.include({ batchId: root.id, left: KG(2), itemsThatFit: 8 });
    expect(await stored(childId)).to.deep.equal({ labelled: 0, serials: 0 });
    expect((await issue(childId, { count: 8, itemQuantity: KG(0.25) })).status).to.equal(201);
    expect(await stored(childId)).to.deep.equal({ labelled: 2, serials: 8 });
    expect(await stored(root.id)).to.deep.equal({ labelled: 10, serials: 32 });
    expect((await issue(root.id, { count: 1, itemQuantity: KG(0.25) })).status).to.equal(422);
  });

  it("never labels more than the batch holds under concurrent issues", async () => {
    const batch = await branded(KG(10));
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => issue(batch.id, { count: 4, itemQuantity: KG(0.25) })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).to.have.length(10);
    expect(statuses.filter((status) => status === 422)).to.have.length(20);
    for (const response of responses.filter((item) => item.status === 422)) {
      expect(response.body.error.code).to.equal("LABEL_QUOTA_EXCEEDED");
    }
    expect(await stored(batch.id)).to.deep.equal({ labelled: 10, serials: 40 });
  });

  it("gives the label room back when storing the serials fails, removing those already stored", async () => {
    const batch = await branded(KG(10));
    const collection = serialModel(env.runtime.connection).collection;
    const insertMany = collection.insertMany.bind(collection);
    collection.insertMany = (async (docs: Record<string, unknown>[]) => {
      await insertMany(docs.slice(0, 3));
      throw new Error("simulated write failure after 3 serials");
    }) as unknown as typeof collection.insertMany;
    let failed;
    try {
      failed = await issue(batch.id, { count: 40, itemQuantity: KG(0.25) });
    } finally {
      collection.insertMany = insertMany;
    }
    expect(failed.status).to.equal(500);
    expect(await stored(batch.id)).to.deep.equal({ labelled: 0, serials: 0 });
    expect((await issue(batch.id, { count: 40, itemQuantity: KG(0.25) })).status).to.equal(201);
    expect(await stored(batch.id)).to.deep.equal({ labelled: 10, serials: 40 });
  });

  describe("licence status", () => {
    it("refuses branded labels while the licence is suspended or revoked, saying why, and allows them again after reinstatement", async () => {
      const owner = await createOrg(server, "安吉县白茶产业协会", ["brand_owner"]);
      const brand = await createBrand(server, owner, { requiredSchemes: [] });
      const licence = await license(server, owner, brand.id, farm);
      const batch = await createBatch(server, farm, { brand: brand.id, quantity: KG(10) });
      const change = (action: string, reason?: string) =>
        http(server.baseUrl, "POST", `/api/licences/${licence.id}/${action}`, {
          key: owner.key,
          json: reason ? { reason } : {},
        });
      expect((await change("suspend", "抽检不合格")).status).to.equal(200);
      const suspended = await issue(batch.id, { count: 1, itemQuantity: KG(0.25) });
      expect(suspended.status).to.equal(422);
      expect(suspended.body.error.code).to.equal("LICENCE_NOT_ACTIVE");
      expect(suspended.body.error.message).to.include("is suspended since").and.include("(抽检不合格)");
      expect(suspended.body.error.details).to.include({
        licenceId: licence.id,
        status: "suspended",
        reason: "抽检不合格",
      });
      expect((await change("reinstate")).status).to.equal(200);
      expect((await issue(batch.id, { count: 1, itemQuantity: KG(0.25) })).status).to.equal(201);
      const sheet = () =>
        http(server.baseUrl, "GET", `/api/batches/${batch.id}/labels.pdf?serials=true&count=1`, {
          key: farm.key,
        });
      expect((await sheet()).status).to.equal(200);
      expect((await change("revoke", "以次充好")).status).to.equal(200);
      // Already issued serials are not printed with the brand mark any more either.
      const refusedSheet = await sheet();
      expect(refusedSheet.status).to.equal(422);
      expect(refusedSheet.body.error.code).to.equal("LICENCE_NOT_ACTIVE");
      const revoked = await issue(batch.id, { count: 1, itemQuantity: KG(0.25) });
      expect(revoked.body.error).to.deep.include({ code: "LICENCE_NOT_ACTIVE" });
      expect(revoked.body.error.details).to.include({ status: "revoked", reason: "以次充好" });
      expect(await stored(batch.id)).to.deep.equal({ labelled: 0.25, serials: 1 });
    });
  });

  describe("who may issue, and unbranded batches", () => {
    it("is the batch's producer or an admin only", async () => {
      const batch = await branded(KG(10));
      expect((await issue(batch.id, { count: 1, itemQuantity: KG(1) }, otherFarm.key)).status).to.equal(403);
      const owner = await createOrg(server, "品牌协会", ["brand_owner"]);
      expect((await issue(batch.id, { count: 1, itemQuantity: KG(1) }, owner.key)).status).to.equal(403);
      const anonymous = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/serials`, {
        json: { count: 1, itemQuantity: KG(1) },
      });
      expect(anonymous.status).to.equal(401);
      const admin = await issue(batch.id, { count: 1, itemQuantity: KG(1) }, server.adminKey);
      expect(admin.status, admin.text).to.equal(201);
      expect(await stored(batch.id)).to.deep.equal({ labelled: 1, serials: 1 });
    });

    it("keeps unbranded batches as they were: itemQuantity optional, no label cap", async () => {
      const batch = await createBatch(server, farm, { quantity: KG(1) });
      const response = await issue(batch.id, { count: 50 });
      expect(response.status, response.text).to.equal(201);
      expect(response.body).to.deep.include({ itemQuantity: null, labelled: null });
      expect((await issue(batch.id, { count: 50, itemQuantity: KG(0.25) })).status).to.equal(201);
      expect((await issue(batch.id, { count: 1, itemQuantity: { value: 1, unit: "LTR" } })).status).to.equal(
        422,
      );
      expect(await stored(batch.id)).to.deep.equal({ labelled: 0, serials: 100 });
    });
  });
});
