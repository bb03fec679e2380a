import { expect } from "chai";
import { interpretEpcisEvent } from "../../server/modules/epcis/domain/from-epcis";
import {
  declaredPrefixes,
  normalizeOwnKeys,
  prefixConflict,
} from "../../server/modules/epcis/domain/json-ld-context";
import { decodeKeys, encodeKeys } from "../../server/modules/epcis/domain/stored-json";
import { toEpcisEvent, type ExportBatch, type ExportEvent } from "../../server/modules/epcis/domain/to-epcis";
import { epcisDocument } from "../../server/modules/epcis/domain/documents";
import { expectValidEpcis } from "../integration/epcis-official-schema";

const BASE = "https://trace.example.cn";
const BATCH: ExportBatch = {
  id: "6b067e43a83a7847d3dc3cbd",
  gtin: "06901234567892",
  lot: "AJBC-1",
  product: { name: "安吉白茶", category: "tea", gtin: "06901234567892" },
  origin: { place: "黄杜村", regionCode: "330523", harvestedAt: "2026-04-12" },
};
const EPC_CLASS = "https://id.gs1.org/01/06901234567892/10/AJBC-1";

function event(body: Record<string, unknown>, extra: Partial<ExportEvent> = {}): ExportEvent {
  return {
    id: "6b067e43a83a7847d3dc3cbe",
    batchId: BATCH.id,
    seq: 2,
    actorId: "6b067e43a83a7847d3dc3cbf",
    hash: `0x${"ab".repeat(32)}`,
    prevHash: `0x${"cd".repeat(32)}`,
    body: { recordTime: "2026-04-13T00:00:05.000Z", eventTime: "2026-04-13T08:00:00+08:00", ...body },
    ...extra,
  };
}

const exported = (body: Record<string, unknown>, extra: Partial<ExportEvent> = {}) => {
  const epcis = toEpcisEvent(event(body, extra), BATCH, BASE);
  expectValidEpcis(epcisDocument([epcis], { creationDate: new Date("2026-04-13T00:00:00Z") }));
  return epcis;
};

describe("EPCIS mapping", () => {
  describe("toEpcisEvent", () => {
    it("publishes our record-keeping as extension fields, with the anchor's proof link", () => {
      const epcis = exported(
        { type: "storing", bizStep: "urn:epcglobal:cbv:bizstep:storing" },
        { anchor: { root: `0x${"ee".repeat(32)}`, leafIndex: 7, windowId: "w" } },
      );
      expect(epcis).to.deep.include({
        eventID: `${BASE}/api/epcis/events/6b067e43a83a7847d3dc3cbe`,
        eventTimeZoneOffset: "+08:00",
        recordTime: "2026-04-13T00:00:05.000Z",
        "ecotrace:seq": 2,
        "ecotrace:hash": `0x${"ab".repeat(32)}`,
        "ecotrace:actor": `${BASE}/api/orgs/6b067e43a83a7847d3dc3cbf`,
        "ecotrace:anchor": {
          root: `0x${"ee".repeat(32)}`,
          leafIndex: 7,
          proof: `${BASE}/api/events/6b067e43a83a7847d3dc3cbe/proof`,
        },
      });
    });

    it("leaves out sealed values and locations that are not URIs", () => {
      const epcis = exported({
        type: "shipping",
        bizStep: "urn:epcglobal:cbv:bizstep:shipping",
        location: { name: "仓库", readPoint: "3号 仓库" },
        data: { quantity: { "@commitment": `0x${"12".repeat(32)}` } },
      });
      expect(epcis.quantityList).to.deep.equal([{ epcClass: EPC_CLASS }]);
      expect(epcis).to.not.have.property("readPoint");
      expect(epcis["ecotrace:location"]).to.deep.equal({ name: "仓库", readPoint: "3号 仓库" });
    });

    it("publishes a certifying event with its certification", () => {
      const epcis = exported({
        type: "certifying",
        bizStep: "urn:epcglobal:cbv:bizstep:inspecting",
        data: { certificationId: "6b067e43a83a7847d3dc3cc0" },
      });
      expect(epcis).to.include({
        type: "ObjectEvent",
        action: "OBSERVE",
        certificationInfo: `${BASE}/api/certifications/6b067e43a83a7847d3dc3cc0`,
      });
    });

    it("replays a captured event, with its identity taken from our batch", () => {
      const captured = {
        type: "ObjectEvent",
        action: "OBSERVE",
        bizStep: "receiving",
        eventTime: "2005-04-04T20:33:31.116-06:00",
        eventTimeZoneOffset: "-06:00",
        quantityList: [{ epcClass: "https://id.gs1.org/01/09999999999994/10/OTHER" }],
        "http://ns%2Eexample%2Ecom/epcis/full": 1,
      };
      const epcis = exported({
        type: "receiving",
        bizStep: "urn:epcglobal:cbv:bizstep:receiving",
        data: { epcis: { capture: "c", index: 0, event: captured } },
      });
      expect(epcis).to.deep.include({
        "http://ns.example.com/epcis/full": 1,
        eventTime: "2005-04-04T20:33:31.116-06:00",
      });
      expect(epcis.quantityList).to.deep.equal([{ epcClass: EPC_CLASS }]);
    });

    it("publishes our own mapping when a stored event is not valid EPCIS", () => {
      const epcis = exported({
        type: "receiving",
        bizStep: "urn:epcglobal:cbv:bizstep:receiving",
        data: { epcis: { capture: "c", index: 0, event: { type: "ObjectEvent", action: "SHOUT" } } },
      });
      expect(epcis).to.include({ type: "ObjectEvent", action: "OBSERVE", bizStep: "receiving" });
    });
  });

  describe("interpretEpcisEvent", () => {
    const interpret = (epcis: Record<string, unknown>) =>
      interpretEpcisEvent(
        { eventTime: "2026-04-13T08:00:00+08:00", eventTimeZoneOffset: "+08:00", ...epcis },
        {
          base: BASE,
          prefixes: new Map([["example", "http://ns.example.com/epcis/"]]),
          lotOfSerial: (gtin, serial) => (gtin === "10614141073464" && serial === "2017" ? "L1" : undefined),
          declared: () => undefined,
        },
      );
    const observe = (extra: Record<string, unknown>) =>
      interpret({
        type: "ObjectEvent",
        action: "OBSERVE",
        quantityList: [{ epcClass: EPC_CLASS }],
        ...extra,
      });
    const typeOf = (result: ReturnType<typeof interpret>) =>
      "intent" in result && result.intent.kind === "append" ? result.intent.type : result;

    it("derives our event type from the business step, disposition and action", () => {
      expect(typeOf(observe({ bizStep: "retail_selling" }))).to.equal("selling");
      expect(typeOf(observe({ bizStep: "holding", disposition: "recalled" }))).to.equal("recalling");
      expect(typeOf(observe({ bizStep: "sensor_reporting" }))).to.equal("observation");
      expect(typeOf(observe({ bizStep: "destroying", action: "DELETE" }))).to.equal("destroying");
    });

    it("adopts ecotrace:type only for types a client may record", () => {
      expect(typeOf(observe({ bizStep: "inspecting", "ecotrace:type": "observation" }))).to.equal(
        "observation",
      );
      expect(typeOf(observe({ bizStep: "inspecting", "ecotrace:type": "certifying" }))).to.equal(
        "inspecting",
      );
      expect(typeOf(observe({ bizStep: "inspecting", "ecotrace:type": "commissioning" }))).to.equal(
        "inspecting",
      );
    });

    it("registers a batch for a commissioning and keeps the event without record-keeping fields", () => {
      const result = interpret({
        type: "ObjectEvent",
        action: "ADD",
        bizStep: "commissioning",
        quantityList: [{ epcClass: EPC_CLASS, quantity: 5, uom: "KGM" }],
        ilmd: { "ecotrace:batch": { lot: "AJBC-1" } },
        recordTime: "2026-04-13T00:00:00Z",
        "ecotrace:hash": "0x",
        "example:note": "kept",
      });
      if (!("intent" in result) || result.intent.kind !== "register") throw new Error(JSON.stringify(result));
      expect(result.intent.quantity).to.deep.equal({ value: 5, unit: "KGM" });
      expect(result.intent.master).to.deep.equal({ lot: "AJBC-1" });
      expect(result.intent.preserved).to.not.have.any.keys("recordTime", "ecotrace:hash");
      expect(result.intent.preserved["@context"]).to.deep.equal({ example: "http://ns.example.com/epcis/" });
    });

    it("refuses our extension fields when they are not JSON objects", () => {
      const result = observe({ bizStep: "storing", "ecotrace:data": "text" });
      expect("reasons" in result && result.reasons.map((reason) => reason.code)).to.deep.equal([
        "INVALID_ECOTRACE_FIELD",
      ]);
    });

    it("keeps as observations the events that name no single batch, items no registry places, or no bizStep", () => {
      const kindOf = (result: ReturnType<typeof interpret>) =>
        "intent" in result ? result.intent.kind : result;
      const sgtins = ["urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"];
      expect(
        kindOf(
          observe({
            bizStep: "storing",
            quantityList: [{ epcClass: EPC_CLASS }, { epcClass: `${EPC_CLASS}2` }],
          }),
        ),
      ).to.equal("observe");
      expect(kindOf(observe({ bizStep: "storing", quantityList: [], epcList: sgtins }))).to.equal("observe");
      expect(kindOf(observe({ quantityList: [{ epcClass: EPC_CLASS }] }))).to.equal("observe");
      expect(
        kindOf(
          interpret({
            type: "AssociationEvent",
            action: "ADD",
            parentID: "urn:epc:id:grai:4012345.55555.987",
          }),
        ),
      ).to.equal("observe");
      expect(
        kindOf(
          observe({
            bizStep: "inspecting",
            quantityList: [],
            errorDeclaration: { declarationTime: "2026-04-14T00:00:00Z" },
          }),
        ),
      ).to.equal("observe");
    });

    it("maps items onto their batch by Digital Link lot or the serial registry", () => {
      const byLink = observe({
        bizStep: "storing",
        quantityList: [],
        epcList: ["https://id.gs1.org/01/10614141073464/10/L1/21/9"],
      });
      const byRegistry = observe({
        bizStep: "storing",
        quantityList: [],
        epcList: ["urn:epc:id:sgtin:0614141.107346.2017"],
      });
      for (const result of [byLink, byRegistry]) {
        if (!("intent" in result) || result.intent.kind !== "append") throw new Error(JSON.stringify(result));
        expect(result.intent.ref).to.deep.equal({ kind: "lot", gtin: "10614141073464", lot: "L1" });
      }
      expect(
        "intent" in byRegistry && byRegistry.intent.kind === "append" && byRegistry.intent.serials,
      ).to.deep.equal(["2017"]);
    });

    it("needs a quantity to consume", () => {
      const input = interpret({
        type: "TransformationEvent",
        bizStep: "commissioning",
        transformationID: "urn:uuid:t",
        inputQuantityList: [{ epcClass: EPC_CLASS }],
      });
      expect("reasons" in input && input.reasons[0].code).to.equal("QUANTITY_REQUIRED");
    });
  });

  describe("JSON-LD context and stored keys", () => {
    it("recognises our namespace under any prefix and refuses our prefix bound elsewhere", () => {
      const prefixes = declaredPrefixes([
        "https://ref.gs1.org/x",
        { et: "https://ecotrace.example/ns#", ex: { "@id": "http://ex/" } },
      ]);
      expect([...prefixes]).to.deep.equal([
        ["et", "https://ecotrace.example/ns#"],
        ["ex", "http://ex/"],
      ]);
      expect(
        normalizeOwnKeys({ "et:data": { "https://ecotrace.example/ns#x": 1 }, "ex:y": 2 }, prefixes),
      ).to.deep.equal({
        "ecotrace:data": { "ecotrace:x": 1 },
        "ex:y": 2,
      });
      expect(prefixConflict(declaredPrefixes({ ecotrace: "https://other/" }))).to.match(/reserves it/);
      expect(prefixConflict(prefixes)).to.equal(null);
    });

    it("stores keys MongoDB refuses and gives them back unchanged", () => {
      const value = { "http://ns.example.com/a.b": [{ $weird: "%2E stays", "100%": true }] };
      const stored = encodeKeys(value) as Record<string, unknown>;
      expect(Object.keys(stored)[0]).to.not.include(".");
      expect(JSON.stringify(stored)).to.not.match(/"\$/);
      expect(decodeKeys(stored)).to.deep.equal(value);
    });
  });
});
