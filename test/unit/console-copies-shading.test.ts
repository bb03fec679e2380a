import { expect } from "chai";
import { NO_SCANS, SHADES, scansByProvince, shadeOf } from "../../console/src/pages/brand/copies-shading";

describe("console: shading of the suspected-copies map", () => {
  describe("scansByProvince", () => {
    it("adds up regions of one province, whatever their level, by the first two digits of the code", () => {
      const totals = scansByProvince([
        { code: "330523", scans: 4 },
        { code: "330100", scans: 6 },
        { code: "33", scans: 1 },
        { code: "110101", scans: 2 },
      ]);
      expect(Object.fromEntries(totals)).to.deep.equal({ "33": 11, "11": 2 });
    });
  });

  describe("shadeOf", () => {
    it("leaves provinces without scans unshaded, also when nothing was scanned at all", () => {
      expect(shadeOf(0, 40)).to.equal(NO_SCANS);
      expect(shadeOf(0, 0)).to.equal(NO_SCANS);
    });

    it("gives the busiest province the darkest shade and a few scans the lightest", () => {
      expect(shadeOf(40, 40)).to.equal(SHADES[4]);
      expect(shadeOf(1, 40)).to.equal(SHADES[0]);
      expect(shadeOf(20, 40)).to.equal(SHADES[2]);
    });
  });
});
