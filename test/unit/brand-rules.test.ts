import { expect } from "chai";
import {
  isInBrandRegion,
  isWithinPeriod,
  licenceMismatch,
  licenceTransition,
  quotaProblem,
} from "../../server/modules/brands/domain/brand-rules";

describe("brand rules", () => {
  describe("isInBrandRegion", () => {
    it("matches a county exactly and every county of a city or province region", () => {
      expect(isInBrandRegion(["330523"], "330523")).to.equal(true);
      expect(isInBrandRegion(["330500"], "330523")).to.equal(true);
      expect(isInBrandRegion(["330000"], "330106")).to.equal(true);
    });

    it("refuses neighbouring divisions", () => {
      expect(isInBrandRegion(["330523"], "330522")).to.equal(false);
      expect(isInBrandRegion(["330500"], "330106")).to.equal(false);
      expect(isInBrandRegion(["230184", "330523"], "230183")).to.equal(false);
    });
  });

  describe("isWithinPeriod", () => {
    const period = { from: "2026-03-01", until: "2026-10-31" };
    it("includes both ends and reads date-times by their calendar date", () => {
      expect(isWithinPeriod(period, "2026-03-01")).to.equal(true);
      expect(isWithinPeriod(period, "2026-10-31T23:00:00+08:00")).to.equal(true);
      expect(isWithinPeriod(period, "2026-02-28")).to.equal(false);
      expect(isWithinPeriod(period, "2026-11-01")).to.equal(false);
    });
  });

  describe("licenceMismatch", () => {
    const licence = {
      producerId: "p1",
      category: "tea",
      period: { from: "2026-03-01", until: "2026-10-31" },
      status: "active" as const,
    };
    const batch = {
      producerId: "p1",
      category: "tea",
      regionCode: "330523",
      harvestedAt: "2026-04-12",
      quantity: { value: 10, unit: "KGM" },
    };
    it("is null for a batch the licence covers", () => {
      expect(licenceMismatch(licence, batch)).to.equal(null);
    });
    it("names the producer, the category or the period that does not match", () => {
      expect(licenceMismatch(licence, { ...batch, producerId: "p2" })).to.include("another producer");
      expect(licenceMismatch(licence, { ...batch, category: "rice" })).to.include("category tea");
      expect(licenceMismatch(licence, { ...batch, harvestedAt: "2026-11-02" })).to.include(
        "2026-11-02 is outside the licence period 2026-03-01 – 2026-10-31",
      );
    });
  });

  describe("quotaProblem", () => {
    it("accepts a quantity up to the remaining quota, also with decimal noise", () => {
      expect(quotaProblem({ value: 100, unit: "KGM" }, 0.3, { value: 0.1 + 0.2, unit: "KGM" })).to.equal(
        null,
      );
      expect(quotaProblem({ value: 100, unit: "KGM" }, 40, { value: 40, unit: "KGM" })).to.equal(null);
    });
    it("says how much is left, or that the units differ", () => {
      expect(quotaProblem({ value: 100, unit: "KGM" }, 40, { value: 40.5, unit: "KGM" })).to.equal(
        "the licence has 40 KGM of its quota left, the batch needs 40.5 KGM",
      );
      expect(quotaProblem({ value: 100, unit: "KGM" }, 40, { value: 1, unit: "LTR" })).to.include("in KGM");
    });
  });

  describe("licenceTransition", () => {
    it("allows suspend → reinstate → revoke and nothing after revoke", () => {
      expect(licenceTransition("active", "suspend")).to.deep.equal({ to: "suspended" });
      expect(licenceTransition("suspended", "reinstate")).to.deep.equal({ to: "active" });
      expect(licenceTransition("suspended", "revoke")).to.deep.equal({ to: "revoked" });
      expect(licenceTransition("active", "revoke")).to.deep.equal({ to: "revoked" });
      expect(licenceTransition("revoked", "reinstate")).to.deep.equal({
        problem: "a revoked licence cannot be reinstated",
      });
      expect(licenceTransition("active", "reinstate")).to.have.property("problem");
      expect(licenceTransition("suspended", "suspend")).to.deep.equal({
        problem: "a suspended licence cannot be suspended",
      });
    });
  });
});
