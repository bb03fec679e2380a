import { expect } from "chai";
import {
  batchDigitalLink,
  DigitalLinkError,
  formatDigitalLink,
  parseDigitalLinkPath,
} from "../../server/modules/batches/domain/digital-link";

describe("GS1 Digital Link", () => {
  const base = "https://trace.example.cn";

  describe("formatDigitalLink", () => {
    it("writes GTIN-14, lot and serial with percent-encoding", () => {
      expect(formatDigitalLink(base, { gtin: "06901234567892", lot: "AJBC-2026-0412" })).to.equal(
        "https://trace.example.cn/01/06901234567892/10/AJBC-2026-0412",
      );
      expect(formatDigitalLink(base, { gtin: "4006381333931", lot: "A/B 1", serial: "x%y" })).to.equal(
        "https://trace.example.cn/01/04006381333931/10/A%2FB%201/21/x%25y",
      );
    });

    it("uses the EcoTrace fallback path with the random public id for batches without a GTIN", () => {
      expect(batchDigitalLink(base, { publicId: "Zq3Wm0oX7y1bQv9kLh2PdA", lot: "L1" })).to.equal(
        "https://trace.example.cn/b/Zq3Wm0oX7y1bQv9kLh2PdA",
      );
    });
  });

  describe("parseDigitalLinkPath", () => {
    it("round-trips what formatDigitalLink writes", () => {
      const key = { gtin: "04006381333931", lot: "A/B+1", serial: "x%y" };
      const path = new URL(formatDigitalLink(base, key)).pathname;
      expect(parseDigitalLinkPath(path)).to.deep.equal(key);
    });

    it("accepts the short forms GS1 allows: shorter GTINs, short names, query qualifiers, a path prefix", () => {
      expect(parseDigitalLinkPath("/01/4006381333931/10/L1")).to.deep.equal({
        gtin: "04006381333931",
        lot: "L1",
      });
      expect(parseDigitalLinkPath("/gtin/96385074/lot/L2/ser/9")).to.deep.equal({
        gtin: "00000096385074",
        lot: "L2",
        serial: "9",
      });
      expect(parseDigitalLinkPath("/01/06901234567892", { "10": "L3" })).to.deep.equal({
        gtin: "06901234567892",
        lot: "L3",
      });
      expect(parseDigitalLinkPath("/dl/01/06901234567892/10/L4")).to.deep.equal({
        gtin: "06901234567892",
        lot: "L4",
      });
    });

    it("returns null for paths that are not Digital Links", () => {
      expect(parseDigitalLinkPath("/api/batches")).to.equal(null);
    });

    it("names a wrong check digit, a missing value and an unsupported identifier", () => {
      expect(() => parseDigitalLinkPath("/01/06901234567893")).to.throw(
        DigitalLinkError,
        "check digit must be 2, not 3",
      );
      expect(() => parseDigitalLinkPath("/01/06901234567892/10")).to.throw(
        DigitalLinkError,
        "application identifier 10 has no value",
      );
      expect(() => parseDigitalLinkPath("/01/06901234567892/17/261231")).to.throw(
        DigitalLinkError,
        "unsupported application identifier 17",
      );
      expect(() => parseDigitalLinkPath("/01/06901234567892/10/%E0%A4%A")).to.throw(
        DigitalLinkError,
        "percent-encoding",
      );
    });
  });
});
