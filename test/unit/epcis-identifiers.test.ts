import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { batchEpcClass, parseBatchIdentifier } from "../../server/modules/epcis/domain/identifiers";
import {
  fromEpcisBizStep,
  fromEpcisDisposition,
  toEpcisBizStep,
  toEpcisDisposition,
} from "../../server/modules/epcis/domain/vocabulary";

const BASE = "https://trace.example.cn";

describe("EPCIS identifiers and vocabulary", () => {
  describe("batchEpcClass", () => {
    it("uses the Digital Link on GS1's canonical resolver, lot percent-encoded", () => {
      expect(batchEpcClass(BASE, { id: "x", gtin: "06901234567892", lot: "AJBC/2026 1" })).to.equal(
        "https://id.gs1.org/01/06901234567892/10/AJBC%2F2026%201",
      );
    });

    it("uses EcoTrace's own link for a batch without GTIN", () => {
      expect(batchEpcClass(BASE, { id: "6b067e43a83a7847d3dc3cbd", lot: "L1" })).to.equal(
        `${BASE}/b/6b067e43a83a7847d3dc3cbd`,
      );
    });
  });

  describe("parseBatchIdentifier", () => {
    it("reads GTIN and lot from a Digital Link on any domain, GTIN-13 padded", () => {
      expect(parseBatchIdentifier("https://id.gs1.org/01/06901234567892/10/AJBC%2F1", BASE)).to.deep.equal({
        kind: "lot",
        gtin: "06901234567892",
        lot: "AJBC/1",
      });
      expect(parseBatchIdentifier("https://brand.example/01/6901234567892/10/L1", BASE)).to.deep.equal({
        kind: "lot",
        gtin: "06901234567892",
        lot: "L1",
      });
    });

    it("computes the GTIN of an LGTIN class URN, with its check digit", () => {
      expect(parseBatchIdentifier("urn:epc:class:lgtin:4012345.011111.1234", BASE)).to.deep.equal({
        kind: "lot",
        gtin: "04012345111118",
        lot: "1234",
      });
      expect(parseBatchIdentifier("urn:epc:class:lgtin:0614141.107346.A%2FB", BASE)).to.deep.equal({
        kind: "lot",
        gtin: "10614141073464",
        lot: "A/B",
      });
    });

    it("reads EcoTrace's /b/ link of this service only", () => {
      expect(parseBatchIdentifier(`${BASE}/b/6b067e43a83a7847d3dc3cbd`, BASE)).to.deep.equal({
        kind: "id",
        id: "6b067e43a83a7847d3dc3cbd",
      });
      expect(parseBatchIdentifier("https://other.example/b/6b067e43a83a7847d3dc3cbd", BASE)).to.include({
        code: "UNKNOWN_IDENTIFIER",
      });
    });

    it("names what is not a batch: serialised items, products without lot, other keys", () => {
      const code = (uri: string) => (parseBatchIdentifier(uri, BASE) as { code?: string }).code;
      expect(code("urn:epc:id:sgtin:0614141.107346.2017")).to.equal("ITEM_LEVEL_IDENTIFIER");
      expect(code("https://id.gs1.org/01/70614141123451/21/2017")).to.equal("ITEM_LEVEL_IDENTIFIER");
      expect(code("https://id.gs1.org/01/04012345987652")).to.equal("CLASS_WITHOUT_LOT");
      expect(code("urn:epc:idpat:sgtin:4012345.098765.*")).to.equal("CLASS_WITHOUT_LOT");
      expect(code("https://id.gs1.org/01/06901234567893/10/L1")).to.equal("UNKNOWN_IDENTIFIER");
      expect(code("urn:epc:class:lgtin:4012345.0111.1")).to.equal("UNKNOWN_IDENTIFIER");
      expect(code("mailto:someone@example.com")).to.equal("UNKNOWN_IDENTIFIER");
    });
  });

  describe("CBV terms", () => {
    it("writes CBV terms bare and reads them back as URNs", () => {
      expect(toEpcisBizStep("urn:epcglobal:cbv:bizstep:retail_selling")).to.equal("retail_selling");
      expect(fromEpcisBizStep("retail_selling")).to.equal("urn:epcglobal:cbv:bizstep:retail_selling");
      expect(toEpcisDisposition("urn:epcglobal:cbv:disp:non_conformant")).to.equal("non_conformant");
      expect(fromEpcisDisposition("non_conformant")).to.equal("urn:epcglobal:cbv:disp:non_conformant");
    });

    it("publishes terms CBV does not define under EcoTrace's vocabulary, reversibly", () => {
      const published = toEpcisBizStep("urn:epcglobal:cbv:bizstep:harvesting");
      expect(published).to.equal("https://ecotrace.example/voc/bizstep-harvesting");
      expect(fromEpcisBizStep(published)).to.equal("urn:epcglobal:cbv:bizstep:harvesting");
      expect(toEpcisDisposition("urn:epcglobal:cbv:disp:aged")).to.equal(
        "https://ecotrace.example/voc/disp-aged",
      );
    });

    it("leaves other URIs as they are", () => {
      const uri = "http://epcis.example.org/hc/bizstep/summarising_discharge";
      expect(toEpcisBizStep(uri)).to.equal(uri);
      expect(fromEpcisBizStep(uri)).to.equal(uri);
    });

    it("knows the same CBV terms as GS1's schema", () => {
      const schema = JSON.parse(
        fs.readFileSync(
          path.resolve(__dirname, "../../server/modules/epcis/domain/EPCIS-JSON-Schema.json"),
          "utf8",
        ),
      );
      for (const term of schema.definitions.bizStep.anyOf[1].enum as string[]) {
        expect(toEpcisBizStep(fromEpcisBizStep(term))).to.equal(term);
        expect(fromEpcisBizStep(term)).to.match(/^urn:epcglobal:cbv:bizstep:/);
      }
      for (const term of schema.definitions.disposition.anyOf[1].enum as string[]) {
        expect(fromEpcisDisposition(term)).to.equal(`urn:epcglobal:cbv:disp:${term}`);
      }
    });
  });

  it("keeps a copy of GS1's official schema with the same content", () => {
    const ours = fs.readFileSync(
      path.resolve(__dirname, "../../server/modules/epcis/domain/EPCIS-JSON-Schema.json"),
      "utf8",
    );
    // The verbatim copy of GS1's file that the tests keep (test/fixtures/gs1-epcis).
    const shared = path.resolve(__dirname, "../fixtures/gs1-epcis/EPCIS-JSON-Schema.json");
    // Only the formatting differs (the repository's copy is formatted by prettier).
    expect(JSON.parse(ours)).to.deep.equal(JSON.parse(fs.readFileSync(shared, "utf8")));
  });
});
