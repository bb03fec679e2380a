import { expect } from "chai";
import type { BundleEvent } from "../../server/modules/verification/domain/proof-bundle";
import { buildJourney } from "../../server/modules/consumer/web/consumer-journey";

const id = (n: number) => n.toString(16).padStart(24, "0");
const [LEAVES, TEA, TIN] = [id(1), id(2), id(3)];
const FACTORY = id(9);

function event(
  batchId: string,
  seq: number,
  type: string,
  eventTime: string,
  data: object = {},
): BundleEvent {
  return {
    eventId: id(100 + Number.parseInt(batchId, 16) * 10 + seq),
    hash: `0x${"a".repeat(64)}`,
    body: { batchId, seq, type, eventTime, actor: FACTORY, data },
    anchor: null,
  };
}

describe("consumer journey (server/modules/consumer/web/consumer-journey.ts)", () => {
  describe("buildJourney", () => {
    const PROCESSED = "2026-03-30T18:00:00+08:00";
    const SPLIT = "2026-05-06T08:00:00+08:00";
    // Leaves → tea (transformation) → a tin split off the tea; each derivation at one instant.
    const events = [
      event(TIN, 1, "commissioning", SPLIT, { kind: "split", inputs: [{ batchId: TEA }], quantity: "x" }),
      event(TIN, 2, "shipping", SPLIT),
      event(TEA, 1, "commissioning", PROCESSED, { kind: "transformation", inputs: [{ batchId: LEAVES }] }),
      event(TEA, 2, "transforming", SPLIT, { kind: "split", outputs: [{ batchId: TIN }] }),
      event(LEAVES, 1, "commissioning", "2026-03-28T17:30:00+08:00", { quantity: "600 KGM" }),
      event(LEAVES, 2, "transforming", PROCESSED, { kind: "transformation", process: "杀青" }),
      event(LEAVES, 3, "observation", "2026-03-29T09:00:00+08:00", { kind: "note" }),
    ];
    const journey = buildJourney(events, {
      subjectId: TIN,
      labels: new Map([
        [LEAVES, "鲜叶 lot L1"],
        [TEA, "成品 lot T1"],
        [TIN, "成品 lot T1-S2"],
      ]),
      names: new Map([[FACTORY, "茶厂"]]),
      inputsOf: new Map([
        [LEAVES, []],
        [TEA, [LEAVES]],
        [TIN, [TEA]],
      ]),
    });

    it("orders by eventTime, and at one instant upstream batches first, then by seq", () => {
      const name = { [LEAVES]: "leaves", [TEA]: "tea", [TIN]: "tin" };
      expect(journey.map((entry) => `${name[entry.batchId]} ${entry.type}`)).to.deep.equal([
        "leaves commissioning",
        "leaves observation",
        "leaves transforming",
        "tea commissioning",
        "tea transforming",
        "tin commissioning",
        "tin shipping",
      ]);
    });

    it("says which derivation an event is and what a derived batch came from, and drops only that kind from the details", () => {
      const of = (batchId: string, seq: number) =>
        journey.find((entry) => entry.batchId === batchId && entry.seq === seq)!;
      expect([of(TEA, 1).derivation, of(TEA, 1).derivedFrom]).to.deep.equal([
        "transformation",
        ["鲜叶 lot L1"],
      ]);
      expect([of(TIN, 1).derivation, of(TIN, 1).derivedFrom]).to.deep.equal(["split", ["成品 lot T1"]]);
      expect([of(TEA, 2).derivation, of(TEA, 2).derivedFrom]).to.deep.equal(["split", []]);
      expect([of(LEAVES, 1).derivation, of(LEAVES, 3).derivation]).to.deep.equal([null, null]);
      expect(of(LEAVES, 2).details).to.deep.equal([{ key: "process", value: "杀青" }]);
      expect(of(TIN, 1).details).to.deep.equal([{ key: "quantity", value: "x" }]);
      expect(of(LEAVES, 3).details, "a kind that is no derivation stays").to.deep.equal([
        { key: "kind", value: "note" },
      ]);
    });
  });
});
