import { expect } from "chai";
import { gs1CheckDigit, gtinProblem, toGtin14 } from "../../server/modules/batches/domain/gtin";

/** Published GTINs (GS1 and retail examples) of every length, check digit last. */
const REAL_GTINS = [
  "96385074", // GTIN-8, GS1 check digit calculator example
  "73513537", // GTIN-8
  "012345678905", // GTIN-12 (UPC-A)
  "036000291452", // GTIN-12 (UPC-A)
  "4006381333931", // GTIN-13 (EAN-13)
  "5901234123457", // GTIN-13, GS1 barcode example
  "9780306406157", // GTIN-13 (ISBN-13)
  "06901234567892", // GTIN-14, a Chinese (690) GS1 prefix
  "09506000134352", // GTIN-14 of the GS1 Digital Link standard's examples
  "10614141000415", // GTIN-14 with packaging indicator 1
];

describe("gtin", () => {
  describe("gs1CheckDigit", () => {
    it("computes the GS1 mod-10 check digit of real GTINs", () => {
      for (const gtin of REAL_GTINS) {
        expect(gs1CheckDigit(gtin.slice(0, -1)), gtin).to.equal(Number(gtin.slice(-1)));
      }
    });

    it("returns 0 when the weighted sum is already a multiple of ten", () => {
      expect(gs1CheckDigit("0000000")).to.equal(0);
      expect(gs1CheckDigit("1234567")).to.equal(0); // 3·(7+5+3+1) + (6+4+2) = 60
    });

    it("weights digits 3, 1, 3… from the right", () => {
      expect(gs1CheckDigit("1")).to.equal(7); // 3·1 = 3 → 7
      expect(gs1CheckDigit("10")).to.equal(9); // 3·0 + 1·1 = 1 → 9
    });

    it("throws for anything but digits", () => {
      expect(() => gs1CheckDigit("12a4")).to.throw(TypeError, 'a GS1 check digit needs digits, got "12a4"');
      expect(() => gs1CheckDigit("")).to.throw(TypeError);
    });
  });

  describe("gtinProblem", () => {
    it("accepts real GTIN-8, -12, -13 and -14", () => {
      for (const gtin of REAL_GTINS) expect(gtinProblem(gtin), gtin).to.equal(null);
    });

    it("names the expected and the given check digit", () => {
      expect(gtinProblem("06901234567893")).to.equal("check digit must be 2, not 3");
      expect(gtinProblem("96385070")).to.equal("check digit must be 4, not 0");
    });

    it("catches a single mistyped digit and adjacent transpositions", () => {
      expect(gtinProblem("4006381333981")).to.match(/^check digit must be/);
      expect(gtinProblem("4006381339331")).to.match(/^check digit must be/);
    });

    it("rejects other lengths", () => {
      for (const value of ["", "1234567", "123456789", "12345678901", "123456789012345"]) {
        expect(gtinProblem(value), value).to.equal("must be 8, 12, 13 or 14 digits");
      }
    });

    it("rejects non-digits, including spaces and signs", () => {
      for (const value of ["0690123456789X", " 96385074", "9638-5074", "+96385074", "９６３８５０７４"]) {
        expect(gtinProblem(value), value).to.equal("must contain digits only");
      }
    });
  });

  describe("toGtin14", () => {
    it("left-pads shorter GTINs with zeros to 14 digits", () => {
      expect(toGtin14("96385074")).to.equal("00000096385074");
      expect(toGtin14("012345678905")).to.equal("00012345678905");
      expect(toGtin14("4006381333931")).to.equal("04006381333931");
    });

    it("keeps a GTIN-14 as it is", () => {
      expect(toGtin14("10614141000415")).to.equal("10614141000415");
    });

    it("gives a GTIN-14 that is itself valid", () => {
      for (const gtin of REAL_GTINS) expect(gtinProblem(toGtin14(gtin)), gtin).to.equal(null);
    });

    it("throws with the reason for an invalid GTIN", () => {
      expect(() => toGtin14("4006381333932")).to.throw(
        TypeError,
        'invalid GTIN "4006381333932": check digit must be 1, not 2',
      );
      expect(() => toGtin14("12345")).to.throw(TypeError, "must be 8, 12, 13 or 14 digits");
    });
  });
});
