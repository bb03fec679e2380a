import { expect } from "chai";
import {
  decideItemQuantity,
  itemsThatFit,
  labelledQuantity,
  leftToLabel,
} from "../../server/modules/brands/domain/label-quota";

describe("label quota (domain)", () => {
  describe("decideItemQuantity", () => {
    it("requires what each item holds on a branded batch, in the batch's own unit", () => {
      expect(decideItemQuantity("KGM", true, { value: 0.25, unit: "KGM" })).to.deep.equal({
        itemQuantity: { value: 0.25, unit: "KGM" },
      });
      expect(decideItemQuantity("KGM", true, undefined)).to.include({ field: "body.itemQuantity" });
      expect(decideItemQuantity("KGM", true, { value: 250, unit: "GRM" })).to.deep.equal({
        field: "body.itemQuantity.unit",
        problem: "must be KGM, the unit of the batch (GRM is not converted)",
      });
    });

    it("labels one piece per item on a pieces batch by default, and only whole pieces", () => {
      expect(decideItemQuantity("H87", true, undefined)).to.deep.equal({
        itemQuantity: { value: 1, unit: "H87" },
      });
      expect(decideItemQuantity("H87", true, { value: 6, unit: "H87" })).to.deep.equal({
        itemQuantity: { value: 6, unit: "H87" },
      });
      expect(decideItemQuantity("H87", true, { value: 0.5, unit: "H87" })).to.include({
        field: "body.itemQuantity.value",
      });
    });

    it("lets an unbranded batch leave it out, but still refuses another unit", () => {
      expect(decideItemQuantity("KGM", false, undefined)).to.deep.equal({ itemQuantity: null });
      expect(decideItemQuantity("KGM", false, { value: 1, unit: "LTR" })).to.include({
        field: "body.itemQuantity.unit",
      });
    });
  });

  it("computes labelled quantities, what is left and how many items fit without binary noise", () => {
    expect(labelledQuantity(3, { value: 0.1, unit: "KGM" })).to.equal(0.3);
    expect(leftToLabel(1, 0.7)).to.equal(0.3);
    expect(leftToLabel(1, undefined)).to.equal(1);
    expect(leftToLabel(1, 1.2)).to.equal(0);
    expect(itemsThatFit(0.3, { value: 0.1, unit: "KGM" })).to.equal(3);
    expect(itemsThatFit(2.5, { value: 0.25, unit: "KGM" })).to.equal(10);
    expect(itemsThatFit(2.4, { value: 0.25, unit: "KGM" })).to.equal(9);
  });
});
