import { expect } from "chai";
import { Types } from "mongoose";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import { appendEvent } from "../../server/modules/batches/batch-ledger";
import { LedgerHeadCache } from "../../server/modules/ledger/ledger-head-cache";
import { repairLedgerHeads } from "../../server/modules/ledger/repair-ledger-heads";
import { LEDGERS } from "../../server/main/ledgers";
import { createBrand, license } from "../helpers/brand-scenario";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * A writer that dies after committing a batch head but before inserting the event leaves the
 * event only in the batch's `lastEvent`. These tests create exactly that state by deleting the
 * newest event document, as the crash would have left it.
 */
describe("hash chain repair after a crash between commit and insert", () => {
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "Repair farm", ["producer"]);
  });
  after(() => server.close());

  async function batchWithLostHead() {
    const batch = await createBatch(server, producer);
    const stored = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
      key: producer.key,
      json: { type: "storing", eventTime: "2026-04-15T09:00:00Z", data: { warehouse: "A" } },
    });
    await traceEventModel(env.runtime.connection).deleteOne({ _id: new Types.ObjectId(stored.body.id) });
    return { batch, lost: stored.body };
  }

  it("puts the lost event back before the next append chains onto it", async () => {
    const { batch, lost } = await batchWithLostHead();
    // Another process (no cache of this batch) appends next.
    const ctx = { connection: env.runtime.connection, now: () => new Date() };
    const next = await appendEvent(ctx, batch.id, producer.id, {
      type: "observation",
      eventTime: "2026-04-16T09:00:00Z",
      bizStep: "urn:epcglobal:cbv:bizstep:inspecting",
    });
    expect(next.prevHash).to.equal(lost.hash);
    const events = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/events`, {
      key: producer.key,
    });
    expect(
      events.body.items.map((event: { seq: number; hash: string }) => [event.seq, event.hash]),
    ).to.deep.equal([
      [1, batch.event.hash],
      [2, lost.hash],
      [3, next.hash],
    ]);
  });

  it("restores lost head events at start-up", async () => {
    const { batch, lost } = await batchWithLostHead();
    const restored = await repairLedgerHeads(
      { connection: env.runtime.connection, now: () => new Date() },
      LEDGERS,
    );
    expect(restored).to.equal(1);
    const events = await http(server.baseUrl, "GET", `/api/batches/${batch.id}/events`, {
      key: producer.key,
    });
    expect(events.body.items.map((event: { hash: string }) => event.hash)).to.deep.equal([
      batch.event.hash,
      lost.hash,
    ]);
    expect(
      await repairLedgerHeads({ connection: env.runtime.connection, now: () => new Date() }, LEDGERS),
    ).to.equal(0);
  });

  it("restores a brand's lost licence-register event at start-up and on the next change", async () => {
    const owner = await createOrg(server, "Repair brand owner", ["brand_owner"]);
    const brand = await createBrand(server, owner, { requiredSchemes: [] });
    const licence = await license(server, owner, brand.id, producer);
    const register = () => http(server.baseUrl, "GET", `/api/brands/${brand.id}/events`);
    const [, issued] = (await register()).body.items;
    await traceEventModel(env.runtime.connection).deleteOne({ _id: new Types.ObjectId(issued.id) });
    expect((await register()).body.items).to.have.length(1);

    expect(
      await repairLedgerHeads({ connection: env.runtime.connection, now: () => new Date() }, LEDGERS),
    ).to.equal(1);
    expect((await register()).body.items.map((event: { hash: string }) => event.hash)).to.include(
      issued.hash,
    );

    const suspended = await http(server.baseUrl, "POST", `/api/licences/${licence.id}/suspend`, {
      key: owner.key,
      json: {},
    });
    await traceEventModel(env.runtime.connection).deleteOne({
      _id: new Types.ObjectId(suspended.body.event.id),
    });
    await http(server.baseUrl, "POST", `/api/licences/${licence.id}/reinstate`, { key: owner.key, json: {} });
    const items = (await register()).body.items;
    expect(items.map((event: { type: string }) => event.type)).to.deep.equal([
      "brand_registered",
      "licence_issued",
      "licence_suspended",
      "licence_reinstated",
    ]);
    expect(items[3].prevHash).to.equal(items[2].hash);
  });

  it("decides on a fresh read when a cached batch would refuse an append (another instance changed it)", async () => {
    const batch = await createBatch(server, producer);
    const other = await createOrg(server, "New holder", ["processor"]);
    const facts = {
      type: "storing" as const,
      eventTime: "2026-04-16T09:00:00Z",
      bizStep: "urn:epcglobal:cbv:bizstep:storing",
    };
    const mustHold = (actor: string) => (current: { holderId: Types.ObjectId }) => {
      if (current.holderId.toHexString() !== actor) throw new Error(`${actor} does not hold the batch`);
    };
    const cachedCtx = {
      connection: env.runtime.connection,
      now: () => new Date(),
      heads: new LedgerHeadCache(),
    };
    await appendEvent(cachedCtx, batch.id, producer.id, facts, mustHold(producer.id)); // caches the batch
    // Another instance (no shared cache) hands the batch to the new holder.
    const otherCtx = { connection: env.runtime.connection, now: () => new Date() };
    await appendEvent(otherCtx, batch.id, producer.id, facts, () => ({
      holderId: new Types.ObjectId(other.id),
    }));
    const appended = await appendEvent(cachedCtx, batch.id, other.id, facts, mustHold(other.id));
    expect(appended.seq).to.equal(4);
  });
});
