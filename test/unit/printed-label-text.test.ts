import { expect } from "chai";
import { netContent, printedGtin } from "../../server/modules/labels/domain/printed-label-text";

describe("printed label text", () => {
  describe("printedGtin", () => {
    it("prints the 13 digits of an EAN-13 whose GTIN-14 starts with 0", () => {
      expect(printedGtin("06901234567892")).to.equal("6901234567892");
      expect(printedGtin("6901234567892")).to.equal("6901234567892");
    });

    it("prints all 14 digits of a GTIN-14 with an indicator digit", () => {
      expect(printedGtin("16901234567899")).to.equal("16901234567899");
    });
  });

  describe("netContent", () => {
    it("names Chinese units, grams and millilitres below one kilogram or litre", () => {
      expect(netContent({ value: 0.25, unit: "KGM" })).to.equal("250 克");
      expect(netContent({ value: 1.5, unit: "KGM" })).to.equal("1.5 千克");
      expect(netContent({ value: 0.5, unit: "LTR" })).to.equal("500 毫升");
      expect(netContent({ value: 0.1 + 0.2, unit: "KGM" })).to.equal("300 克");
      expect(netContent({ value: 12, unit: "H87" })).to.equal("12 件");
    });

    it("keeps a unit code it does not know", () => {
      expect(netContent({ value: 3, unit: "XBX" })).to.equal("3 XBX");
    });
  });
});
