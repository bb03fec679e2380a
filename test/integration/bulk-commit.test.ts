import { expect } from "chai";
import { Types } from "mongoose";
import { appendEvent, appendToBatches } from "../../server/modules/batches/batch-ledger";
import { registerBatches } from "../../server/modules/batches/batches";
import { batchModel } from "../../server/modules/batches/data/batch.model";
import { ApplyFailure, applyPlan } from "../../server/modules/ingest/ingest-apply";
import type { PlannedOp } from "../../server/modules/ingest/ingest-plan";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import { LedgerHeadCache } from "../../server/modules/ledger/ledger-head-cache";
import { ConflictError } from "../../server/platform/errors";
import { createBatch, createOrg, teaBatch, type TestOrg } from "../helpers/scenario";
import { clearDatabase, startTestServer, testEnv, type TestEnv, type TestServer } from "../helpers/test-env";

/**
 * Imports and captures write a chunk of rows with a few bulk commands (decision 0038): the appends
 * of every batch in one set of compare-and-sets, plain registrations in one set of lot claims and
 * inserts. Each batch's commit must stay exactly what it is alone: chained, all or nothing, and a
 * batch that cannot commit leaves nothing behind while the others do.
 */
describe("bulk commits across batches (imports, captures)", () => {
  let env: TestEnv;
  let server: TestServer;
  let producer: TestOrg;
  before(async () => {
    env = await testEnv();
    await clearDatabase(env);
    server = await startTestServer(env);
    producer = await createOrg(server, "Bulk farm", ["producer"]);
  });
  after(() => server.close());

  const context = () => ({
    connection: env.runtime.connection,
    now: () => new Date(),
    heads: new LedgerHeadCache(),
  });
  const storing = (warehouse: string) => ({
    type: "storing" as const,
    eventTime: "2026-04-15T09:00:00Z",
    bizStep: "urn:epcglobal:cbv:bizstep:storing",
    data: { warehouse },
  });
  const eventsOf = (batchId: string) =>
    traceEventModel(env.runtime.connection)
      .find({ batchId: new Types.ObjectId(batchId) })
      .sort({ seq: 1 })
      .lean();

  it("chains each batch's events as its own commit, and leaves out a batch another writer moved", async () => {
    const ctx = context();
    const [a, b] = [await createBatch(server, producer), await createBatch(server, producer)];
    // This process's cached head of b goes stale: another writer appends to b.
    const first = await appendToBatches(ctx, producer.id, [
      { batchId: a.id, facts: [storing("A1")], guards: [() => undefined] },
      { batchId: b.id, facts: [storing("B1")], guards: [() => undefined] },
    ]);
    expect(first.every((events) => events?.length === 1)).to.equal(true);
    const other = await appendEvent(context(), b.id, producer.id, storing("elsewhere"));

    const results = await appendToBatches(ctx, producer.id, [
      { batchId: a.id, facts: [storing("A2"), storing("A3")], guards: [() => undefined, () => undefined] },
      { batchId: b.id, facts: [storing("B2")], guards: [() => undefined] },
    ]);
    expect(results[0]?.map((event) => event.seq)).to.deep.equal([3, 4]);
    expect(results[1]).to.equal(null);

    const chainA = await eventsOf(a.id);
    expect(chainA.map((event) => event.seq)).to.deep.equal([1, 2, 3, 4]);
    chainA.slice(1).forEach((event, index) => expect(event.prevHash).to.equal(chainA[index].hash));
    const chainB = await eventsOf(b.id);
    expect(chainB.map((event) => event.hash)).to.deep.equal([b.event.hash, first[1]![0].hash, other.hash]);
    const heads = await batchModel(env.runtime.connection)
      .find({ _id: { $in: [a.id, b.id] } })
      .lean();
    for (const head of heads) expect(head).not.to.have.property("lastEvents");
  });

  it("writes nothing of a batch whose guard refuses; the others commit", async () => {
    const ctx = context();
    const [a, b] = [await createBatch(server, producer), await createBatch(server, producer)];
    const refuse = () => {
      throw new ConflictError("refused");
    };
    const results = await appendToBatches(ctx, producer.id, [
      { batchId: a.id, facts: [storing("A1"), storing("A2")], guards: [() => undefined, refuse] },
      { batchId: b.id, facts: [storing("B1")], guards: [() => undefined] },
    ]);
    expect(results[0]).to.equal(null);
    expect(results[1]?.length).to.equal(1);
    expect((await eventsOf(a.id)).length).to.equal(1);
    expect((await eventsOf(b.id)).length).to.equal(2);
  });

  it("registers plain batches together, refusing only the one whose lot is taken", async () => {
    const ctx = context();
    const taken = await createBatch(server, producer);
    const free = teaBatch();
    const results = await registerBatches(ctx, producer.id, [
      { input: { ...free, lot: free.lot } as never },
      { input: { ...teaBatch(), lot: taken.lot } as never },
    ]);
    expect(results[1]).to.be.instanceOf(ConflictError);
    const registered = results[0] as Exclude<(typeof results)[0], ConflictError>;
    expect(registered.batch.lot).to.equal(free.lot);
    expect((await eventsOf(registered.batch._id.toHexString())).map((event) => event.hash)).to.deep.equal([
      registered.event.hash,
    ]);
    expect(await batchModel(env.runtime.connection).countDocuments({ lot: taken.lot })).to.equal(1);
  });

  it("stores the steps before a refused one on its batch and names the refused step", async () => {
    const ctx = context();
    const batch = await createBatch(server, producer);
    const consume = (index: number, value: number): PlannedOp => ({
      kind: "append",
      index,
      batchId: batch.id,
      facts: storing(`row ${index}`),
      consume: { value, unit: "KGM" },
    });
    // 500 KGM: the second step takes 300 of 400 left, the third 300 more than remain.
    const failure = await applyPlan(
      ctx,
      { orgId: producer.id, roles: ["producer"] },
      [consume(2, 100), consume(3, 300), consume(4, 300)],
      {
        chunkSize: 500,
        concurrency: 8,
        onChunk: async () => undefined,
      },
    ).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(ApplyFailure);
    expect((failure as ApplyFailure).index).to.equal(4);
    expect((failure as ApplyFailure).stored.map((step) => step.index)).to.deep.equal([2, 3]);
    expect((await eventsOf(batch.id)).map((event) => event.seq)).to.deep.equal([1, 2, 3]);
  });
});
