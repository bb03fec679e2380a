import { expect } from "chai";
import { Lease } from "../../server/modules/anchoring/lease";
import { leaseModel } from "../../server/modules/anchoring/data/lease.model";
import { clearDatabase, testEnv, type TestEnv } from "../helpers/test-env";

describe("anchoring lease", () => {
  let env: TestEnv;

  before(async () => {
    env = await testEnv();
  });
  beforeEach(() => clearDatabase(env));

  describe("Lease", () => {
    it("lets exactly one of many concurrent instances take it", async () => {
      const leases = Array.from(
        { length: 8 },
        (_, index) => new Lease(env.runtime.connection, `i${index}`, 10_000),
      );
      const results = await Promise.all(leases.map((lease) => lease.acquire()));
      const winners = results.filter((result) => result !== null);
      expect(winners).to.have.length(1);
      expect(winners[0]!.token).to.equal(1);
      expect(leases.filter((lease) => lease.isHeld())).to.have.length(1);
      expect(await leaseModel(env.runtime.connection).countDocuments()).to.equal(1);
    });

    it("renews only for its holder and token, and passes on after expiry with a new token", async () => {
      let now = 1_000_000;
      const clock = () => now;
      const first = new Lease(env.runtime.connection, "first", 1_000, "anchoring", clock);
      const second = new Lease(env.runtime.connection, "second", 1_000, "anchoring", clock);
      expect((await first.acquire())?.token).to.equal(1);
      expect(await second.acquire()).to.equal(null);
      now += 500; // renewed: expires at +1500
      expect(await first.renew()).to.not.equal(null);
      now += 700; // +1200
      expect(await second.acquire()).to.equal(null);
      expect(first.isHeld()).to.equal(true);
      now += 150; // +1350: within the last fifth of the term, first stops acting...
      expect(first.isHeld()).to.equal(false);
      expect(await second.acquire(), "...before anyone else may take the lease").to.equal(null);
      now += 150; // +1500: expired
      expect((await second.acquire())?.token).to.equal(2);
      expect(await first.renew(), "a replaced holder cannot renew").to.equal(null);
      expect(first.isHeld()).to.equal(false);
      await second.release();
      expect((await first.acquire())?.token, "a released lease is free at once").to.equal(3);
    });
  });
});
