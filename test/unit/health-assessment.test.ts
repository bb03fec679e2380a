import { expect } from "chai";
import { assessHealth, type HealthFacts } from "../../server/main/health-assessment";

describe("health assessment", () => {
  describe("assessHealth", () => {
    const facts = (overrides: Partial<HealthFacts> = {}): HealthFacts => ({
      dbUp: true,
      chainError: null,
      backlog: { pending: 3, lagSeconds: 5, secondsSinceProgress: 5 },
      worker: { consecutiveFailures: 0, lastError: null },
      lagDegradedSeconds: 600,
      ...overrides,
    });

    it("is ok with a small backlog and everything answering", () => {
      expect(assessHealth(facts())).to.deep.equal({ status: "ok", reasons: [] });
    });

    it("is unavailable without the database, whatever else holds", () => {
      expect(assessHealth(facts({ dbUp: false, backlog: null }))).to.deep.equal({
        status: "unavailable",
        reasons: ["database unreachable"],
      });
    });

    it("is degraded when the chain does not answer", () => {
      expect(assessHealth(facts({ chainError: "connect ECONNREFUSED" }))).to.deep.equal({
        status: "degraded",
        reasons: ["chain unreachable: connect ECONNREFUSED"],
      });
    });

    it("is degraded when the lag passes the threshold, not at it", () => {
      expect(
        assessHealth(facts({ backlog: { pending: 3, lagSeconds: 600, secondsSinceProgress: 1 } })).status,
      ).to.equal("ok");
      expect(
        assessHealth(facts({ backlog: { pending: 3, lagSeconds: 2183, secondsSinceProgress: 1 } })),
      ).to.deep.equal({ status: "degraded", reasons: ["anchoring lag 2183 s exceeds 600 s"] });
    });

    it("is degraded when nothing moved for longer than the threshold while events wait", () => {
      const stalled = facts({ backlog: { pending: 12, lagSeconds: 500, secondsSinceProgress: 601 } });
      expect(assessHealth(stalled).reasons).to.deep.equal([
        "anchoring made no progress for 601 s while 12 events wait",
      ]);
    });

    it("is degraded when this instance's worker keeps failing", () => {
      const failing = facts({ worker: { consecutiveFailures: 3, lastError: "nonce too low" } });
      expect(assessHealth(failing)).to.deep.equal({
        status: "degraded",
        reasons: ["anchoring worker failed 3 times in a row: nonce too low"],
      });
      expect(assessHealth(facts({ worker: { consecutiveFailures: 2, lastError: "x" } })).status).to.equal(
        "ok",
      );
    });
  });
});
