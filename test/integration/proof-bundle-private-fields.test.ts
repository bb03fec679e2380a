import { expect } from "chai";
import { computeCommitment } from "../../server/modules/ledger/domain/disclosure";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { http } from "../helpers/http";
import { createBatch, createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/** The `private` request field (decision 0008): validation and what gets hashed and stored. */
describe("private fields on event creation and batch registration", () => {
  let env: TestEnv;
  let server: TestServer;
  let farm: TestOrg;
  let batch: { id: string };

  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    farm = await createOrg(server, "黄杜村茶园", ["producer"]);
    batch = await createBatch(server, farm);
  });
  after(() => server.close());

  const recordEvent = (json: Record<string, unknown>) =>
    http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
      key: farm.key,
      json: { type: "selling", eventTime: "2026-05-01T10:00:00+08:00", ...json },
    });
  const eventCount = () =>
    env.runtime.connection.db!.collection("traceevents").countDocuments({ batchId: { $exists: true } });

  it("hashes the commitment in place of the value and keeps the opening out of the event", async () => {
    const response = await recordEvent({
      data: { price: { amount: 66.88, currency: "CNY" }, buyer: "西湖区某超市", note: "节日促销" },
      location: { name: "杭州 门店", lat: 30.27415, lon: 120.15515 },
      private: ["/data/price", "/data/buyer", "/location/lat", "/location/lon"],
    });
    expect(response.status, response.text).to.equal(201);
    const events = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/events`, { key: farm.key });
    const event = events.body.items.find((item: { id: string }) => item.id === response.body.id);
    expect(event.body.data.note).to.equal("节日促销");
    expect(event.body.data.price).to.have.keys("@commitment");
    expect(event.body.location).to.deep.include({ name: "杭州 门店" });
    expect(event.body.location.lat).to.have.keys("@commitment");
    expect(JSON.stringify(event.body))
      .to.not.include("66.88")
      .and.not.include("西湖区某超市")
      .and.not.include("30.274");
    expect(computeEventHash(event.body)).to.equal(event.hash);
    const openings = await env.runtime.connection
      .db!.collection("sealedfields")
      .find({ batchId: { $exists: true } })
      .toArray();
    const price = openings.find((opening) => opening.pointer === "/data/price")!;
    expect(JSON.parse(price.canonical)).to.deep.equal({ amount: 66.88, currency: "CNY" });
    expect(event.body.data.price["@commitment"]).to.equal(
      computeCommitment(price.salt, { amount: 66.88, currency: "CNY" }),
    );
  });

  it("refuses pointers outside data and location, and malformed ones, naming body.private[i]", async () => {
    const before = await eventCount();
    const outside = await recordEvent({ data: { price: 1 }, private: ["/data/price", "/actor"] });
    expect(outside.status).to.equal(400);
    expect(outside.body.error.details).to.deep.include({
      field: "body.private[1]",
      problem: "must point into /data or /location",
    });
    const malformed = await recordEvent({ data: { price: 1 }, private: ["data/price"] });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.details[0].field).to.equal("body.private[0]");
    expect(await eventCount()).to.equal(before);
  });

  it("refuses (422) a pointer that names no value of the event, or overlaps another", async () => {
    const before = await eventCount();
    const missing = await recordEvent({ data: { price: 1 }, private: ["/data/cost"] });
    expect(missing.status).to.equal(422);
    expect(missing.body.error.details).to.deep.equal([
      { field: "body.private[0]", problem: "names no value of this event (/data/cost)" },
    ]);
    const overlapping = await recordEvent({
      data: { price: { amount: 1 } },
      private: ["/data/price", "/data/price/amount"],
    });
    expect(overlapping.status).to.equal(422);
    expect(await eventCount()).to.equal(before);
  });

  it("refuses a client value shaped like a sealed field", async () => {
    const forged = await recordEvent({ data: { price: { "@commitment": `0x${"ab".repeat(32)}` } } });
    expect(forged.status).to.equal(400);
    expect(forged.body.error.details[0].field).to.equal("body.data.price.@commitment");
  });

  it("lets a batch registration seal its origin coordinates or quantity, and nothing else", async () => {
    const sealed = await http(server.baseUrl, "POST", "/api/batches", {
      key: farm.key,
      json: teaBatch({ private: ["/data/origin/location", "/data/quantity"] }),
    });
    expect(sealed.status, sealed.text).to.equal(201);
    const [commissioning] = (
      await http(server.baseUrl, "GET", `/api/batches/${sealed.body.id}/events`, { key: farm.key })
    ).body.items;
    expect(commissioning.body.data.origin.location).to.have.keys("@commitment");
    expect(commissioning.body.data.quantity).to.have.keys("@commitment");
    expect(commissioning.body.data.origin.place).to.equal("溪龙乡黄杜村 3号茶园");
    // The batch record itself (tenant-only) keeps the plain values.
    expect(sealed.body.origin.location).to.deep.equal({ lat: 30.64, lon: 119.68 });

    const place = await http(server.baseUrl, "POST", "/api/batches", {
      key: farm.key,
      json: teaBatch({ private: ["/data/origin/place"] }),
    });
    expect(place.status).to.equal(400);
    expect(place.body.error.details[0]).to.deep.equal({
      field: "body.private[0]",
      problem: "must point into /data/origin/location or /data/quantity",
    });
    const withoutLocation = teaBatch({ private: ["/data/origin/location"] });
    delete (withoutLocation.origin as { location?: unknown }).location;
    const nothing = await http(server.baseUrl, "POST", "/api/batches", {
      key: farm.key,
      json: withoutLocation,
    });
    expect(nothing.status).to.equal(422);
  });
});
