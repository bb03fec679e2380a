import { expect } from "chai";
import { Types } from "mongoose";
import { traceEventModel } from "../../server/modules/ledger/data/trace-event.model";
import { lotClaimModel } from "../../server/modules/batches/data/lot-claim.model";
import { testEnv, type TestEnv } from "../helpers/test-env";

/**
 * Guarantees that only a real MongoDB gives: the unique indexes behind the application's own
 * compare-and-set checks. The embedded engine does not enforce unique indexes (decision 0002), so
 * these run only when MONGODB_URI points at a real server.
 */
describe("real MongoDB second line of defence", () => {
  let env: TestEnv;
  before(async function () {
    env = await testEnv();
    if (env.config.embedded.db) {
      console.log(
        "    (skipped: needs a real MongoDB; set MONGODB_URI — the embedded engine does not enforce unique indexes)",
      );
      this.skip();
    }
    await traceEventModel(env.runtime.connection).syncIndexes();
    await lotClaimModel(env.runtime.connection).syncIndexes();
  });

  it("refuses a second event with the same batch and sequence number", async () => {
    const events = traceEventModel(env.runtime.connection).collection;
    const batchId = new Types.ObjectId();
    const event = {
      batchId,
      seq: 1,
      type: "observation",
      hash: "0x1",
      prevHash: "0x0",
      body: {},
      anchor: null,
    };
    await events.insertOne({ ...event, _id: new Types.ObjectId() });
    let duplicate: unknown;
    try {
      await events.insertOne({ ...event, _id: new Types.ObjectId() });
    } catch (error) {
      duplicate = error;
    }
    expect((duplicate as { code?: number })?.code).to.equal(11000);
  });

  it("refuses a second claim of the same lot", async () => {
    const claims = lotClaimModel(env.runtime.connection).collection;
    const claim = { producerId: new Types.ObjectId(), productName: "茶", lot: "L1" };
    await claims.insertOne({ ...claim, batchId: new Types.ObjectId() });
    let duplicate: unknown;
    try {
      await claims.insertOne({ ...claim, batchId: new Types.ObjectId() });
    } catch (error) {
      duplicate = error;
    }
    expect((duplicate as { code?: number })?.code).to.equal(11000);
  });
});
