import { expect } from "chai";
import { isInProvince, project, provinceOutline, unproject } from "../../console/src/domain/province-outline";

describe("province outline (the console's pin map)", () => {
  describe("project / unproject", () => {
    it("turns a map position back into the coordinates it was drawn from", () => {
      for (const point of [
        { lat: 30.6598, lon: 119.6722 },
        { lat: 20.044, lon: 110.199 },
        { lat: 45.8, lon: 126.53 },
      ]) {
        const back = unproject(project(point));
        expect(back.lat).to.be.closeTo(point.lat, 1e-6);
        expect(back.lon).to.be.closeTo(point.lon, 1e-6);
      }
    });
  });

  describe("isInProvince", () => {
    it("places a county town in its own province and not in another", () => {
      const zhejiang = provinceOutline("330523")!;
      expect(zhejiang.name).to.equal("浙江");
      expect(isInProvince(zhejiang, { lat: 30.6598, lon: 119.6722 })).to.equal(true); // 安吉
      expect(isInProvince(zhejiang, { lat: 39.9042, lon: 116.4074 })).to.equal(false); // 北京
      expect(isInProvince(provinceOutline("110105")!, { lat: 39.9042, lon: 116.4074 })).to.equal(true);
    });

    it("accepts a point just outside the simplified outline, not one farther out", () => {
      const hainan = provinceOutline("460100")!;
      expect(isInProvince(hainan, { lat: 19.2, lon: 109.7 })).to.equal(true);
      expect(isInProvince(hainan, { lat: 23.13, lon: 113.26 })).to.equal(false); // 广州
      // The outline is simplified to 0.2°: a shore town may fall just outside it.
      const edge = hainan.rings[0].reduce((far, point) => (point[0] > far[0] ? point : far));
      const justOutside = unproject([edge[0] + 1.5, edge[1]]);
      expect(isInProvince(hainan, justOutside)).to.equal(true);
      expect(isInProvince(hainan, unproject([edge[0] + 6, edge[1]]))).to.equal(false);
    });

    it("has no outline for an unknown province code", () => {
      expect(provinceOutline("990000")).to.equal(null);
      expect(provinceOutline(undefined)).to.equal(null);
    });
  });
});
