import { expect } from "chai";
import { Types } from "mongoose";
import { batchModel } from "../../server/modules/batches/data/batch.model";
import { sealedFieldModel } from "../../server/modules/ledger/data/sealed-field.model";
import { traceEventModel, type TraceEventDoc } from "../../server/modules/ledger/data/trace-event.model";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { appendEvent } from "../../server/modules/batches/batch-ledger";
import { encodeCommit } from "../../server/modules/ledger/commit-events";
import { repairLedgerHeads } from "../../server/modules/ledger/repair-ledger-heads";
import { LEDGERS } from "../../server/main/ledgers";
import { http } from "../helpers/http";
import { createBatch, createOrg, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

describe("POST /api/batches/:id/events/bulk", () => {
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  let otherProducer: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "Bulk tea co-op", ["producer"]);
    otherProducer = await createOrg(server, "Bulk rice co-op", ["producer"]);
  });
  after(() => server.close());

  const observation = (reading: number) => ({
    type: "observation",
    eventTime: "2026-04-14T10:00:00Z",
    data: { reading },
  });
  const bulk = (batchId: string, events: unknown[], key = producer.key, headers?: Record<string, string>) =>
    http(server.baseUrl, "POST", `/api/batches/${batchId}/events/bulk`, { key, json: { events }, headers });
  const chainOf = async (batchId: string) =>
    (await http(server.baseUrl, "GET", `/api/batches/${batchId}/events?limit=500`, { key: producer.key }))
      .body.items;
  const storedCount = () => traceEventModel(env.runtime.connection).countDocuments();
  const batchDoc = (batchId: string) =>
    batchModel(env.runtime.connection).collection.findOne({ _id: new Types.ObjectId(batchId) });

  describe("success", () => {
    it("chains the events in the order given with consecutive seq, in one commit", async () => {
      const batch = await createBatch(server, producer);
      const events = [observation(1), { type: "packing", eventTime: "2026-04-15T08:00:00Z" }, observation(3)];
      const response = await bulk(batch.id, events);
      expect(response.status, response.text).to.equal(201);
      const answered = response.body.events;
      expect(answered.map((event: { seq: number }) => event.seq)).to.deep.equal([2, 3, 4]);
      expect(answered[0].prevHash).to.equal(batch.event.hash);
      const chain = await chainOf(batch.id);
      expect(chain.map((event: { id: string }) => event.id)).to.deep.equal([
        batch.event.id,
        ...answered.map((event: { id: string }) => event.id),
      ]);
      for (let index = 1; index < chain.length; index++) {
        expect(chain[index].prevHash).to.equal(chain[index - 1].hash);
        expect(computeEventHash(chain[index].body)).to.equal(chain[index].hash);
      }
      expect(chain[2].body.bizStep).to.equal("urn:epcglobal:cbv:bizstep:packing");
      const stored = await batchDoc(batch.id);
      expect(stored!.head.seq).to.equal(4);
      expect(stored!.head.hash).to.equal(answered[2].hash);
      expect(stored!.lastEvent._id.toHexString()).to.equal(answered[2].id);
      expect(stored, "the commit copies are removed once the events are inserted").not.to.have.property(
        "lastEvents",
      );
    });

    it("applies each event's status change to the checks of the events after it", async () => {
      const batch = await createBatch(server, producer);
      const response = await bulk(batch.id, [
        observation(1),
        { type: "recalling", eventTime: "2026-05-01T00:00:00Z", data: { reason: "lead" } },
        observation(2),
      ]);
      expect(response.status, response.text).to.equal(201);
      const current = await http(server.baseUrl, "GET", `/api/batches/${batch.id}`, { key: producer.key });
      expect(current.body.status).to.equal("recalled");
    });

    it("seals each event's private fields before hashing, as for one event", async () => {
      const batch = await createBatch(server, producer);
      const response = await bulk(batch.id, [
        observation(1),
        {
          type: "selling",
          eventTime: "2026-04-20T08:00:00Z",
          data: { price: 880, buyer: "茶庄" },
          private: ["/data/price"],
        },
      ]);
      expect(response.status, response.text).to.equal(201);
      const sold = (await chainOf(batch.id))[2];
      expect(sold.body.data.buyer).to.equal("茶庄");
      expect(Object.keys(sold.body.data.price)).to.deep.equal(["@commitment"]);
      expect(computeEventHash(sold.body)).to.equal(sold.hash);
      const openings = await sealedFieldModel(env.runtime.connection).countDocuments({
        batchId: new Types.ObjectId(batch.id),
      });
      expect(openings).to.equal(1);
    });

    it("records the largest allowed list", async () => {
      const batch = await createBatch(server, producer);
      const response = await bulk(
        batch.id,
        Array.from({ length: 500 }, (_, index) => observation(index)),
      );
      expect(response.status, response.text).to.equal(201);
      expect(response.body.events.at(-1).seq).to.equal(501);
    });

    it("is listed in the OpenAPI document with its schema", async () => {
      const openApi = await http(server.baseUrl, "GET", "/openapi.json");
      const operation = openApi.body.paths["/api/batches/{id}/events/bulk"].post;
      const schema = operation.requestBody.content["application/json"].schema;
      expect(schema.properties.events).to.include({ type: "array", minItems: 1, maxItems: 500 });
      expect(schema.additionalProperties).to.equal(false);
    });
  });

  describe("validation (nothing is stored)", () => {
    let batchId: string;
    before(async () => (batchId = (await createBatch(server, producer)).id));

    async function expectRefused(body: unknown, status: number, fields: string[]) {
      const before = await storedCount();
      const response = await http(server.baseUrl, "POST", `/api/batches/${batchId}/events/bulk`, {
        key: producer.key,
        json: body,
      });
      expect(response.status, response.text).to.equal(status);
      const named = response.body.error.details.map((detail: { field: string }) => detail.field);
      expect(named).to.have.members(fields);
      expect(response.body.error.message).to.match(new RegExp(`^${escape(named[0])} `));
      expect(await storedCount()).to.equal(before);
      return response;
    }
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

    it("names each invalid field of each event by its index", async () => {
      await expectRefused(
        {
          events: [
            { type: "storing", eventTime: "2026-04-15T09:00:00Z", data: { $set: { hash: "0x0" } } },
            { type: "teleporting", eventTime: "2026-04-15T09:00:00Z" },
            { type: "storing", eventTime: "2026-04-15 09:00", colour: "green" },
            { type: "commissioning", eventTime: "2026-04-15T09:00:00Z" },
          ],
        },
        400,
        [
          "body.events[0].data.$set",
          "body.events[1].type",
          "body.events[2].eventTime",
          "body.events[2].colour",
          "body.events[3].type",
        ],
      );
    });

    it("refuses an empty list, a list over 500, a missing list and unknown top-level fields", async () => {
      const empty = await expectRefused({ events: [] }, 400, ["body.events"]);
      expect(empty.body.error.message).to.equal("body.events must have at least 1 items");
      const tooMany = await expectRefused(
        { events: Array.from({ length: 501 }, (_, index) => observation(index)) },
        400,
        ["body.events"],
      );
      expect(tooMany.body.error.message).to.equal("body.events must have at most 500 items");
      await expectRefused({}, 400, ["body.events"]);
      await expectRefused({ events: [observation(1)], dryRun: true }, 400, ["body.dryRun"]);
    });

    it("refuses strings that cannot be hashed, naming the event", async () => {
      const before = await storedCount();
      const response = await http(server.baseUrl, "POST", `/api/batches/${batchId}/events/bulk`, {
        key: producer.key,
        raw: '{"events":[{"type":"storing","eventTime":"2026-04-15T09:00:00Z"},{"type":"storing","eventTime":"2026-04-15T09:00:00Z","data":{"note":"bad \\ud800"}}]}',
      });
      expect(response.status).to.equal(400);
      expect(response.body.error.details[0].field).to.equal("body.events[1].data.note");
      expect(await storedCount()).to.equal(before);
    });

    it("refuses (422) a correction of an unknown event and an unusable private pointer, naming the event", async () => {
      await expectRefused(
        {
          events: [
            observation(1),
            { type: "storing", eventTime: "2026-04-15T09:00:00Z", correctionOf: "0123456789abcdef01234567" },
          ],
        },
        422,
        ["body.events[1].correctionOf"],
      );
      await expectRefused({ events: [{ ...observation(1), private: ["/data/price"] }] }, 422, [
        "body.events[0].private[0]",
      ]);
    });

    it("answers 404 for an unknown batch and 400 for a malformed id", async () => {
      expect((await bulk("0123456789abcdef01234567", [observation(1)])).status).to.equal(404);
      const malformed = await bulk("not-an-id", [observation(1)]);
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error.details[0].field).to.equal("params.id");
    });
  });

  describe("who may record", () => {
    it("needs an API key", async () => {
      const batch = await createBatch(server, producer);
      const response = await http(server.baseUrl, "POST", `/api/batches/${batch.id}/events/bulk`, {
        json: { events: [observation(1)] },
      });
      expect(response.status).to.equal(401);
    });

    it("refuses all events when one may not be recorded by the caller, naming it", async () => {
      const batch = await createBatch(server, producer);
      const before = await storedCount();
      const stranger = await bulk(batch.id, [observation(1)], otherProducer.key);
      expect(stranger.status).to.equal(404);
      const certifier = await createOrg(server, "Bulk lab", ["auditor"]);
      const lab = await bulk(
        batch.id,
        [
          { type: "inspecting", eventTime: "2026-04-15T09:00:00Z" },
          { type: "storing", eventTime: "2026-04-15T10:00:00Z" },
        ],
        certifier.key,
      );
      expect(lab.status).to.equal(403);
      expect(lab.body.error.details).to.deep.equal({ event: 1 });
      expect(await storedCount()).to.equal(before);
      const inspections = await bulk(
        batch.id,
        [
          { type: "inspecting", eventTime: "2026-04-15T09:00:00Z" },
          { type: "observation", eventTime: "2026-04-15T10:00:00Z" },
        ],
        certifier.key,
      );
      expect(inspections.status, inspections.text).to.equal(201);
    });

    it("refuses all events when the batch's state, as the earlier events leave it, forbids one", async () => {
      const batch = await createBatch(server, producer);
      const before = await storedCount();
      const response = await bulk(batch.id, [
        { type: "recalling", eventTime: "2026-05-01T00:00:00Z" },
        observation(1),
        { type: "selling", eventTime: "2026-05-02T00:00:00Z" },
      ]);
      expect(response.status).to.equal(422);
      expect(response.body.error).to.deep.include({
        code: "BATCH_STATE",
        message: "body.events[2]: a recalled batch does not accept selling events",
        details: { event: 2, status: "recalled" },
      });
      expect(await storedCount()).to.equal(before);
      const current = await http(server.baseUrl, "GET", `/api/batches/${batch.id}`, { key: producer.key });
      expect(current.body.status).to.equal("active");
    });
  });

  describe("Idempotency-Key", () => {
    it("returns the original response to a retry, stores the events once, and refuses another body", async () => {
      const batch = await createBatch(server, producer);
      const headers = { "idempotency-key": `bulk-${batch.id}` };
      const first = await bulk(batch.id, [observation(1), observation(2)], producer.key, headers);
      const again = await bulk(batch.id, [observation(1), observation(2)], producer.key, headers);
      expect([first.status, again.status]).to.deep.equal([201, 201]);
      expect(again.body).to.deep.equal(first.body);
      expect(again.headers.get("idempotent-replayed")).to.equal("true");
      expect(await chainOf(batch.id)).to.have.length(3);
      const different = await bulk(batch.id, [observation(3)], producer.key, headers);
      expect(different.status).to.equal(422);
      expect(different.body.error.code).to.equal("IDEMPOTENCY_KEY_REUSED");
    });
  });

  describe("concurrency", () => {
    it("keeps one unbroken chain under concurrent bulk and single appends, each bulk in one run", async () => {
      const batch = await createBatch(server, producer);
      const bulks = 8;
      const perBulk = 10;
      const singles = 12;
      const responses = await Promise.all([
        ...Array.from({ length: bulks }, (_, run) =>
          bulk(
            batch.id,
            Array.from({ length: perBulk }, (_, index) => observation(run * 100 + index)),
          ),
        ),
        ...Array.from({ length: singles }, (_, index) =>
          http(server.baseUrl, "POST", `/api/batches/${batch.id}/events`, {
            key: producer.key,
            json: observation(-index),
          }),
        ),
      ]);
      expect(responses.map((response) => response.status)).to.deep.equal(Array(bulks + singles).fill(201));
      const chain = await chainOf(batch.id);
      const total = 1 + bulks * perBulk + singles;
      expect(chain.map((event: { seq: number }) => event.seq)).to.deep.equal(
        Array.from({ length: total }, (_, index) => index + 1),
      );
      for (let index = 1; index < chain.length; index++)
        expect(chain[index].prevHash).to.equal(chain[index - 1].hash);
      for (const response of responses.slice(0, bulks)) {
        const seqs = response.body.events.map((event: { seq: number }) => event.seq);
        expect(seqs).to.deep.equal(Array.from({ length: perBulk }, (_, index) => seqs[0] + index));
      }
      const stored = await batchDoc(batch.id);
      expect(stored!.head.seq).to.equal(total);
      expect(stored).not.to.have.property("lastEvents");
    });
  });

  describe("a writer that dies between the commit and the inserts", () => {
    /** The state such a crash leaves: the head and its copies committed, some events not inserted. */
    async function crashAfterCommit(lose: number) {
      const batch = await createBatch(server, producer);
      const response = await bulk(batch.id, [observation(1), observation(2), observation(3), observation(4)]);
      expect(response.status, response.text).to.equal(201);
      const ids = response.body.events.map((event: { id: string }) => new Types.ObjectId(event.id));
      const events = traceEventModel(env.runtime.connection).collection;
      const copies = await events
        .find({ _id: { $in: ids } })
        .sort({ seq: 1 })
        .toArray();
      await batchModel(env.runtime.connection).collection.updateOne(
        { _id: new Types.ObjectId(batch.id) },
        { $set: { lastEvents: encodeCommit(copies as unknown as TraceEventDoc[]) } },
      );
      await events.deleteMany({ _id: { $in: ids.slice(ids.length - lose) } });
      return { batch, answered: response.body.events };
    }

    it("puts every lost event back before the next append (another process) chains onto them", async () => {
      const { batch, answered } = await crashAfterCommit(4);
      const ctx = { connection: env.runtime.connection, now: () => new Date() };
      const next = await appendEvent(ctx, batch.id, producer.id, {
        type: "observation",
        eventTime: "2026-04-16T09:00:00Z",
        bizStep: "urn:epcglobal:cbv:bizstep:inspecting",
      });
      expect(next.prevHash).to.equal(answered[3].hash);
      const chain = await chainOf(batch.id);
      expect(chain.map((event: { seq: number }) => event.seq)).to.deep.equal([1, 2, 3, 4, 5, 6]);
      expect(chain.slice(1, 5).map((event: { id: string }) => event.id)).to.deep.equal(
        answered.map((event: { id: string }) => event.id),
      );
      expect(await batchDoc(batch.id), "the single append removes the leftover copies").not.to.have.property(
        "lastEvents",
      );
    });

    it("restores the lost events of a bulk commit at start-up, also when only the last ones were lost", async () => {
      const { batch, answered } = await crashAfterCommit(2);
      const ctx = { connection: env.runtime.connection, now: () => new Date() };
      expect(await repairLedgerHeads(ctx, LEDGERS)).to.equal(1);
      const chain = await chainOf(batch.id);
      expect(chain.map((event: { hash: string }) => event.hash)).to.deep.equal([
        batch.event.hash,
        ...answered.map((event: { hash: string }) => event.hash),
      ]);
      expect(await repairLedgerHeads(ctx, LEDGERS)).to.equal(0);
    });

    it("shows the committed events in a proof bundle before they are inserted", async () => {
      const { batch, answered } = await crashAfterCommit(3);
      const response = await http(server.baseUrl, "GET", `/api/batches/${batch.publicId}/proof-bundle`);
      expect(response.status, response.text).to.equal(200);
      expect(response.body.events.map((event: { hash: string }) => event.hash)).to.deep.equal([
        batch.event.hash,
        ...answered.map((event: { hash: string }) => event.hash),
      ]);
    });
  });
});
