import { expect } from "chai";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("custody and lineage API", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let factory: TestOrg;
  let shipper: TestOrg;
  let shop: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    factory = await createOrg(server, "安吉白茶加工厂", ["processor"]);
    shipper = await createOrg(server, "顺丰冷链", ["logistics"]);
    shop = await createOrg(server, "杭州茶叶店", ["retailer"]);
  });
  after(() => server.close());

  const post = (key: string, path: string, json: unknown = {}) =>
    http(server.baseUrl, "POST", path, { key, json });
  const get = (key: string, path: string) => http(server.baseUrl, "GET", path, { key });

  describe("transfers", () => {
    it("keeps the sender as holder until the receiver accepts, with shipping and receiving events", async () => {
      const batch = await createBatch(server, farm);
      const offered = await post(farm.key, `/api/batches/${batch.id}/transfers`, { to: factory.id });
      expect(offered.status, offered.text).to.equal(201);
      expect(offered.body.transfer).to.include({
        status: "pending",
        from: farm.id,
        to: factory.id,
        batchId: batch.id,
      });
      let current = await get(farm.key, `/api/batches/${batch.id}`);
      expect(current.body).to.include({ holderId: farm.id, status: "in_transit" });
      expect((await get(factory.key, `/api/transfers/${offered.body.transfer.id}`)).status).to.equal(200);

      const outsider = await post(shop.key, `/api/transfers/${offered.body.transfer.id}/accept`);
      expect(outsider.status).to.equal(403);
      const accepted = await post(factory.key, `/api/transfers/${offered.body.transfer.id}/accept`);
      expect(accepted.status, accepted.text).to.equal(200);
      expect(accepted.body.transfer.status).to.equal("accepted");
      current = await get(factory.key, `/api/batches/${batch.id}`);
      expect(current.body).to.include({ holderId: factory.id, status: "active", pendingTransferId: null });
      const events = await get(factory.key, `/api/batches/${batch.id}/events`);
      expect(events.body.items.map((event: { type: string }) => event.type)).to.deep.equal([
        "commissioning",
        "shipping",
        "receiving",
      ]);
      const again = await post(factory.key, `/api/transfers/${offered.body.transfer.id}/accept`);
      expect(again.status).to.equal(409);
    });

    it("leaves the batch with the sender when the receiver rejects", async () => {
      const batch = await createBatch(server, farm);
      const offered = await post(farm.key, `/api/batches/${batch.id}/transfers`, { to: shipper.id });
      const rejected = await post(shipper.key, `/api/transfers/${offered.body.transfer.id}/reject`, {
        reason: "truck full",
      });
      expect(rejected.status).to.equal(200);
      expect(rejected.body.transfer).to.include({ status: "rejected", reason: "truck full" });
      const current = await get(farm.key, `/api/batches/${batch.id}`);
      expect(current.body).to.include({ holderId: farm.id, status: "active" });
      const events = await get(farm.key, `/api/batches/${batch.id}/events`);
      expect(events.body.items[2].body.disposition).to.equal("urn:epcglobal:cbv:disp:returned");
    });

    it("splits a partial quantity into a child batch that travels, keeping the rest", async () => {
      const batch = await createBatch(server, farm);
      const offered = await post(farm.key, `/api/batches/${batch.id}/transfers`, {
        to: factory.id,
        quantity: { value: 200, unit: "KGM" },
      });
      expect(offered.status, offered.text).to.equal(201);
      const childId = offered.body.transfer.batchId;
      expect(childId).to.not.equal(batch.id);
      const parent = await get(farm.key, `/api/batches/${batch.id}`);
      expect(parent.body.available).to.deep.equal({ value: 300, unit: "KGM" });
      expect(parent.body.status).to.equal("active");
      const child = await get(farm.key, `/api/batches/${childId}`);
      expect(child.body.quantity).to.deep.equal({ value: 200, unit: "KGM" });
      expect(child.body.inputs).to.deep.equal([
        { batchId: batch.id, quantity: { value: 200, unit: "KGM" }, kind: "split" },
      ]);
      expect(child.body.lot).to.not.equal(batch.lot);
      await post(factory.key, `/api/transfers/${offered.body.transfer.id}/accept`);
      expect((await get(factory.key, `/api/batches/${childId}`)).body.holderId).to.equal(factory.id);
      expect((await get(farm.key, `/api/batches/${batch.id}`)).body.holderId).to.equal(farm.id);
    });

    it("lists transfers to their parties only and hides them from third parties", async () => {
      const batch = await createBatch(server, farm);
      const offered = await post(farm.key, `/api/batches/${batch.id}/transfers`, { to: shipper.id });
      const id = offered.body.transfer.id;
      const mine = await get(shipper.key, "/api/transfers?status=pending");
      expect(mine.body.items.map((transfer: { id: string }) => transfer.id)).to.include(id);
      const others = await get(shop.key, "/api/transfers");
      expect(others.body.items.map((transfer: { id: string }) => transfer.id)).to.not.include(id);
      expect((await get(shop.key, `/api/transfers/${id}`)).status).to.equal(404);
      expect((await get(server.adminKey, `/api/transfers/${id}`)).status).to.equal(200);
      expect((await get(farm.key, "/api/transfers/0123456789abcdef01234567")).status).to.equal(404);
    });

    it("never ships more than is available and says how much is", async () => {
      const batch = await createBatch(server, farm);
      const tooMuch = await post(farm.key, `/api/batches/${batch.id}/transfers`, {
        to: factory.id,
        quantity: { value: 501, unit: "KGM" },
      });
      expect(tooMuch.status).to.equal(422);
      expect(tooMuch.body.error.code).to.equal("MASS_BALANCE");
      expect(tooMuch.body.error.message).to.equal("requested 501 KGM but only 500 KGM is available");
      const wrongUnit = await post(farm.key, `/api/batches/${batch.id}/transfers`, {
        to: factory.id,
        quantity: { value: 1, unit: "LTR" },
      });
      expect(wrongUnit.status).to.equal(422);
    });

    it("keeps mass balance when many partial transfers race", async () => {
      const batch = await createBatch(server, farm);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          post(farm.key, `/api/batches/${batch.id}/transfers`, {
            to: factory.id,
            quantity: { value: 100, unit: "KGM" },
          }),
        ),
      );
      const accepted = responses.filter((response) => response.status === 201);
      const refused = responses.filter((response) => response.status !== 201);
      for (const response of refused) {
        expect(response.body.error.code, response.text).to.be.oneOf(["MASS_BALANCE", "BATCH_STATE"]);
      }
      expect(accepted.length).to.be.within(4, 5);
      // Whatever interleaving happened, shipped plus what stayed home is exactly the harvest.
      const shipped = accepted.reduce((sum, response) => sum + response.body.transfer.quantity.value, 0);
      const parent = await get(farm.key, `/api/batches/${batch.id}`);
      const home = parent.body.status === "active" ? parent.body.available.value : 0;
      expect(shipped + home).to.equal(500);
      const children = await get(farm.key, `/api/batches/${batch.id}/lineage?direction=downstream`);
      const split = children.body.edges.reduce(
        (sum: number, edge: { quantity: { value: number } }) => sum + edge.quantity.value,
        0,
      );
      expect(split + parent.body.available.value).to.equal(500);
    });

    it("lets only the holder transfer and refuses unknown receivers and self-transfers", async () => {
      const batch = await createBatch(server, farm);
      expect((await post(shop.key, `/api/batches/${batch.id}/transfers`, { to: shop.id })).status).to.equal(
        403,
      );
      const unknown = await post(farm.key, `/api/batches/${batch.id}/transfers`, {
        to: "0123456789abcdef01234567",
      });
      expect(unknown.status).to.equal(422);
      expect(unknown.body.error.details[0].field).to.equal("body.to");
      expect((await post(farm.key, `/api/batches/${batch.id}/transfers`, { to: farm.id })).status).to.equal(
        422,
      );
    });
  });

  describe("transformations and lineage", () => {
    it("turns fresh leaves from two farms into finished tea with lineage both ways", async () => {
      const leavesA = await createBatch(server, farm, { product: { name: "鲜叶", category: "tea" } });
      const leavesB = await createBatch(server, farm, { product: { name: "鲜叶", category: "tea" } });
      for (const leaves of [leavesA, leavesB]) {
        const offered = await post(farm.key, `/api/batches/${leaves.id}/transfers`, { to: factory.id });
        await post(factory.key, `/api/transfers/${offered.body.transfer.id}/accept`);
      }
      const processed = await post(factory.key, "/api/transformations", {
        inputs: [
          { batchId: leavesA.id, quantity: { value: 500, unit: "KGM" } },
          { batchId: leavesB.id, quantity: { value: 300, unit: "KGM" } },
        ],
        outputs: [
          {
            product: { name: "安吉白茶 明前特级", category: "tea", gtin: "06901234567892" },
            lot: "AJBC-FIN-01",
            quantity: { value: 200, unit: "KGM" },
          },
        ],
        data: { process: "杀青 → 理条 → 烘干" },
      });
      expect(processed.status, processed.text).to.equal(201);
      const [tea] = processed.body.outputs;
      expect(tea.holderId).to.equal(factory.id);
      expect(tea.producerId).to.equal(factory.id);
      expect(tea.origin.regionCode).to.equal("330523");
      expect((await get(factory.key, `/api/batches/${leavesA.id}`)).body.status).to.equal("consumed");
      const b = await get(factory.key, `/api/batches/${leavesB.id}`);
      expect(b.body.available.value).to.equal(200);

      const upstream = await get(factory.key, `/api/batches/${tea.id}/lineage?direction=upstream`);
      expect(upstream.status).to.equal(200);
      expect(upstream.body.nodes.map((node: { id: string }) => node.id)).to.have.members([
        tea.id,
        leavesA.id,
        leavesB.id,
      ]);
      expect(upstream.body.edges).to.deep.include({
        from: leavesA.id,
        to: tea.id,
        kind: "transformation",
        quantity: { value: 500, unit: "KGM" },
      });
      const downstream = await get(factory.key, `/api/batches/${leavesB.id}/lineage?direction=downstream`);
      expect(downstream.body.nodes.map((node: { id: string }) => node.id)).to.have.members([
        leavesB.id,
        tea.id,
      ]);

      const events = await get(factory.key, `/api/batches/${leavesA.id}/events`);
      const transforming = events.body.items.at(-1);
      expect(transforming.type).to.equal("transforming");
      expect(transforming.body.data.outputs[0].batchId).to.equal(tea.id);
    });

    it("consumes nothing when one input lacks quantity, and names it", async () => {
      const a = await createBatch(server, farm);
      const b = await createBatch(server, farm);
      const response = await post(farm.key, "/api/transformations", {
        inputs: [
          { batchId: a.id, quantity: { value: 100, unit: "KGM" } },
          { batchId: b.id, quantity: { value: 900, unit: "KGM" } },
        ],
        outputs: [{ product: { name: "Tea", category: "tea" }, quantity: { value: 50, unit: "KGM" } }],
      });
      expect(response.status).to.equal(422);
      expect(response.body.error.message).to.equal("requested 900 KGM but only 500 KGM is available");
      expect((await get(farm.key, `/api/batches/${a.id}`)).body.available.value).to.equal(500);
      expect((await get(farm.key, `/api/batches/${a.id}/events`)).body.items).to.have.length(1);
    });

    it("refuses batches the caller does not hold and duplicate inputs", async () => {
      const theirs = await createBatch(server, farm);
      const notHeld = await post(factory.key, "/api/transformations", {
        inputs: [{ batchId: theirs.id, quantity: { value: 1, unit: "KGM" } }],
        outputs: [{ product: { name: "Tea", category: "tea" }, quantity: { value: 1, unit: "KGM" } }],
      });
      expect(notHeld.status).to.equal(403);
      const duplicate = await post(farm.key, "/api/transformations", {
        inputs: [
          { batchId: theirs.id, quantity: { value: 1, unit: "KGM" } },
          { batchId: theirs.id, quantity: { value: 1, unit: "KGM" } },
        ],
        outputs: [{ product: { name: "Tea", category: "tea" }, quantity: { value: 1, unit: "KGM" } }],
      });
      expect(duplicate.status).to.equal(422);
      expect(duplicate.body.error.details[0].field).to.equal("body.inputs[1].batchId");
      const retailer = await post(shop.key, "/api/transformations", { inputs: [], outputs: [] });
      expect(retailer.status).to.equal(403);
    });
  });
});
