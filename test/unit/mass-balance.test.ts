import { expect } from "chai";
import { massBalanceProblem, remainingAfter } from "../../server/modules/custody/domain/mass-balance";

describe("mass balance", () => {
  describe("massBalanceProblem", () => {
    const available = { value: 500, unit: "KGM" };

    it("allows taking up to what is available", () => {
      expect(massBalanceProblem(available, { value: 200, unit: "KGM" })).to.equal(null);
      expect(massBalanceProblem(available, { value: 500, unit: "KGM" })).to.equal(null);
    });

    it("says how much is available when more is requested", () => {
      expect(massBalanceProblem(available, { value: 500.5, unit: "KGM" })).to.equal(
        "requested 500.5 KGM but only 500 KGM is available",
      );
    });

    it("refuses another unit instead of guessing a conversion", () => {
      expect(massBalanceProblem(available, { value: 1, unit: "TNE" })).to.equal(
        "quantity must be in the batch's unit KGM, not TNE",
      );
    });

    it("refuses zero and negative quantities", () => {
      expect(massBalanceProblem(available, { value: 0, unit: "KGM" })).to.equal(
        "quantity must be greater than 0",
      );
      expect(massBalanceProblem(available, { value: -3, unit: "KGM" })).to.equal(
        "quantity must be greater than 0",
      );
    });
  });

  describe("remainingAfter", () => {
    it("does not drift with decimal quantities", () => {
      let left = 1;
      for (let index = 0; index < 10; index++) left = remainingAfter(left, 0.1);
      expect(left).to.equal(0);
      expect(remainingAfter(0.3, 0.1)).to.equal(0.2);
    });
  });
});
