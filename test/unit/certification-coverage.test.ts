import { expect } from "chai";
import {
  batchCapProblem,
  coverageOf,
  withinCap,
  type CoverableBatch,
  type CoverageRule,
} from "../../server/modules/certifications/domain/certification-coverage";

describe("certification coverage", () => {
  const producer = "aaaaaaaaaaaaaaaaaaaaaaaa";
  const noCap = { amount: "0", decimals: 0, unit: "" };
  const batch = (overrides: Partial<CoverableBatch> = {}): CoverableBatch => ({
    id: "bbbbbbbbbbbbbbbbbbbbbbbb",
    producerId: producer,
    category: "tea",
    regionCode: "330523",
    place: "3号茶园",
    harvestedAt: "2026-04-12",
    quantity: { value: 500, unit: "KGM" },
    ...overrides,
  });
  const validity = {
    validFrom: Date.parse("2026-03-31T16:00:00Z") / 1000,
    validUntil: Date.parse("2027-03-31T15:59:59Z") / 1000,
  };
  const producerRule: CoverageRule = {
    subject: { kind: "producer", id: producer, plot: "" },
    scope: { category: "tea", regionCodePrefix: "3305" },
    quantityCap: noCap,
    ...validity,
  };

  describe("coverageOf", () => {
    it("covers exactly the named batch for a batch subject", () => {
      const rule: CoverageRule = { ...producerRule, subject: { kind: "batch", id: batch().id, plot: "" } };
      expect(coverageOf(rule, batch())).to.equal("subject");
      expect(coverageOf(rule, batch({ id: "cccccccccccccccccccccccc" }))).to.equal(null);
    });

    it("covers a producer's batches that match category, region prefix and harvest date", () => {
      expect(coverageOf(producerRule, batch())).to.equal("scope");
      expect(coverageOf(producerRule, batch({ producerId: "dddddddddddddddddddddddd" }))).to.equal(null);
      expect(coverageOf(producerRule, batch({ category: "rice" }))).to.equal(null);
      expect(coverageOf(producerRule, batch({ regionCode: "510131" }))).to.equal(null);
    });

    it("reads a harvest date in China time against the validity window's days", () => {
      expect(coverageOf(producerRule, batch({ harvestedAt: "2026-04-01" }))).to.equal("scope");
      expect(coverageOf(producerRule, batch({ harvestedAt: "2026-03-31" }))).to.equal(null);
      expect(coverageOf(producerRule, batch({ harvestedAt: "2027-03-31" }))).to.equal("scope");
      expect(coverageOf(producerRule, batch({ harvestedAt: "2027-04-01" }))).to.equal(null);
    });

    it("treats empty scope fields as any", () => {
      const any = { ...producerRule, scope: { category: "", regionCodePrefix: "" } };
      expect(coverageOf(any, batch({ category: "rice", regionCode: "230184" }))).to.equal("scope");
    });

    it("restricts a plot subject to batches from that plot", () => {
      const plot: CoverageRule = {
        ...producerRule,
        subject: { kind: "plot", id: producer, plot: "3号茶园" },
      };
      expect(coverageOf(plot, batch())).to.equal("scope");
      expect(coverageOf(plot, batch({ place: "5号茶园" }))).to.equal(null);
    });

    it("leaves out batches in another unit than the cap", () => {
      const capped = { ...producerRule, quantityCap: { amount: "1000", decimals: 0, unit: "KGM" } };
      expect(coverageOf(capped, batch())).to.equal("scope");
      expect(coverageOf(capped, batch({ quantity: { value: 5, unit: "LTR" } }))).to.equal(null);
    });
  });

  describe("withinCap", () => {
    const batches = ["1", "2", "3"].map((digit) =>
      batch({ id: digit.repeat(24), quantity: { value: 400, unit: "KGM" } }),
    );

    it("counts batches in order and marks those past the cap", () => {
      const caps = withinCap({ amount: "8000", decimals: 1, unit: "KGM" }, batches);
      expect([...caps.values()]).to.deep.equal([true, true, false]);
    });

    it("lets a later smaller batch fill what is left", () => {
      const small = batch({ id: "4".repeat(24), quantity: { value: 150, unit: "KGM" } });
      const caps = withinCap({ amount: "950", decimals: 0, unit: "KGM" }, [...batches, small]);
      expect([...caps.values()]).to.deep.equal([true, true, false, true]);
    });

    it("covers everything without a cap", () => {
      expect([...withinCap({ amount: "0", decimals: 0, unit: "" }, batches).values()]).to.deep.equal([
        true,
        true,
        true,
      ]);
    });
  });

  describe("batchCapProblem", () => {
    it("accepts a batch within the cap and explains one over it or in another unit", () => {
      expect(
        batchCapProblem({ amount: "500", decimals: 0, unit: "KGM" }, { value: 500, unit: "KGM" }),
      ).to.equal(null);
      expect(
        batchCapProblem({ amount: "4995", decimals: 1, unit: "KGM" }, { value: 500, unit: "KGM" }),
      ).to.equal("the batch holds 500 KGM, more than the cap of 499.5 KGM");
      expect(
        batchCapProblem({ amount: "500", decimals: 0, unit: "LTR" }, { value: 500, unit: "KGM" }),
      ).to.equal("quantityCap is in LTR but the batch is in KGM");
      expect(batchCapProblem(noCap, { value: 1e9, unit: "KGM" })).to.equal(null);
    });
  });
});
