import { expect } from "chai";
import { ZERO_HASH } from "../../server/modules/ledger/domain/event-hash";
import type { Hex } from "../../server/platform/crypto/keccak";
import {
  batchLedgerKey,
  gs1LedgerKey,
  idLedgerKey,
  LedgerMap,
  verifyLedgerMapProof,
  type LedgerMapValue,
} from "../../server/modules/anchoring/domain/ledger-map";
import { planLedgerMapChanges } from "../../server/modules/anchoring/domain/ledger-map-changes";
import { keccak256 } from "../../server/platform/crypto/keccak";

const hash = (text: string): Hex => `0x${Buffer.from(keccak256(Buffer.from(text))).toString("hex")}`;
const ledger = (index: number) => index.toString(16).padStart(24, "0");
const value = (index: number, seq = 1): LedgerMapValue => ({
  ledgerId: ledger(index),
  seq,
  headHash: hash(`head ${index} ${seq}`),
});

describe("ledger map", () => {
  describe("keys", () => {
    it("derives a batch's key from the GTIN-14 and lot its commissioning event hashed", () => {
      expect(batchLedgerKey(ledger(1), { product: { gtin: "06901234567892" }, lot: "L1" })).to.equal(
        gs1LedgerKey("06901234567892", "L1"),
      );
      expect(gs1LedgerKey("06901234567892", "L1")).to.equal(hash("01/06901234567892/10/L1"));
    });

    it("falls back to the batch id for a batch without a GTIN, and keys brands apart", () => {
      expect(batchLedgerKey(ledger(1), { lot: "L1" })).to.equal(idLedgerKey("batch", ledger(1)));
      expect(idLedgerKey("brand", ledger(1))).to.not.equal(idLedgerKey("batch", ledger(1)));
    });
  });

  describe("LedgerMap", () => {
    it("has the zero root when empty, and proves absence in it", () => {
      const map = new LedgerMap();
      expect(map.root).to.equal(ZERO_HASH);
      expect(verifyLedgerMapProof(map.root, map.proof(hash("k")))).to.equal(true);
    });

    it("proves every entry and the absence of other keys, and refuses altered proofs", () => {
      const map = new LedgerMap();
      for (let index = 0; index < 200; index++) map.set(hash(`key ${index}`), value(index));
      for (let index = 0; index < 200; index += 17) {
        const proof = map.proof(hash(`key ${index}`));
        expect(proof.value).to.deep.equal(value(index));
        expect(verifyLedgerMapProof(map.root, proof)).to.equal(true);
        expect(verifyLedgerMapProof(map.root, { ...proof, value: value(index, 2) })).to.equal(false);
        expect(verifyLedgerMapProof(map.root, { ...proof, value: null })).to.equal(false);
      }
      for (let index = 0; index < 20; index++) {
        const absent = map.proof(hash(`absent ${index}`));
        expect(absent.value).to.equal(null);
        expect(verifyLedgerMapProof(map.root, absent), `absent ${index}`).to.equal(true);
        expect(verifyLedgerMapProof(map.root, { ...absent, value: value(1) })).to.equal(false);
      }
    });

    it("gives the same root whatever the insertion order, and a new root when a head moves", () => {
      const forward = new LedgerMap();
      const backward = new LedgerMap();
      for (let index = 0; index < 50; index++) forward.set(hash(`key ${index}`), value(index));
      for (let index = 49; index >= 0; index--) backward.set(hash(`key ${index}`), value(index));
      expect(forward.root).to.equal(backward.root);
      const before = forward.root;
      forward.set(hash("key 7"), value(7, 2));
      expect(forward.root).to.not.equal(before);
      expect(forward.keyOf(ledger(7))).to.equal(hash("key 7"));
      expect(verifyLedgerMapProof(forward.root, forward.proof(hash("key 7")))).to.equal(true);
    });
  });

  describe("planLedgerMapChanges", () => {
    const key = hash("key A");
    const A = ledger(10);
    const chain = (from: number, to: number, prev: Hex, tag = "") => {
      const events = [];
      let prevHash = prev;
      for (let seq = from; seq <= to; seq++) {
        const eventHash = hash(`A ${seq}${tag}`);
        events.push({ eventId: `${seq}${tag}`, ledgerId: A, seq, hash: eventHash, prevHash });
        prevHash = eventHash;
      }
      return events;
    };

    it("enters a ledger at its commissioning event and advances its head through linked events", () => {
      const map = new LedgerMap();
      const events = chain(1, 3, ZERO_HASH);
      const { changes, rejections } = planLedgerMapChanges(map, events, () => key);
      expect(rejections).to.deep.equal([]);
      expect(changes).to.deep.equal([{ key, value: { ledgerId: A, seq: 3, headHash: events[2].hash } }]);
    });

    it("refuses a second version of anchored seqs and keeps the anchored head", () => {
      const map = new LedgerMap();
      const first = chain(1, 3, ZERO_HASH);
      map.set(key, { ledgerId: A, seq: 3, headHash: first[2].hash });
      const rewritten = chain(1, 4, ZERO_HASH, " rewritten");
      const { changes, rejections } = planLedgerMapChanges(map, rewritten, () => null);
      expect(changes).to.deep.equal([]);
      expect(rejections).to.have.length(1);
      expect(rejections[0].seqs).to.deep.equal([1, 2, 3, 4]);
      expect(rejections[0].reason).to.match(/second version of anchored seq 1, 2, 3/);
    });

    it("refuses events that do not link to the anchored head", () => {
      const map = new LedgerMap();
      map.set(key, { ledgerId: A, seq: 3, headHash: hash("A 3") });
      const { changes, rejections } = planLedgerMapChanges(map, chain(4, 4, hash("elsewhere")), () => null);
      expect(changes).to.deep.equal([]);
      expect(rejections[0].reason).to.match(/seq 4 does not extend the anchored head seq 3/);
    });

    it("defers events whose predecessor is not anchored yet, and a ledger whose commissioning is not", () => {
      const map = new LedgerMap();
      const events = chain(1, 4, ZERO_HASH);
      const late = planLedgerMapChanges(map, [events[0], events[2], events[3]], () => key);
      expect(late.changes).to.deep.equal([{ key, value: { ledgerId: A, seq: 1, headHash: events[0].hash } }]);
      expect(late.deferred.map((event) => event.seq)).to.deep.equal([3, 4]);
      expect(late.rejections).to.deep.equal([]);
      const unborn = planLedgerMapChanges(new LedgerMap(), [events[1]], () => null);
      expect(unborn.deferred.map((event) => event.seq)).to.deep.equal([2]);
      expect(unborn.changes).to.deep.equal([]);
    });

    it("refuses a ledger whose key another ledger holds", () => {
      const map = new LedgerMap();
      map.set(key, value(99));
      const { changes, rejections } = planLedgerMapChanges(map, chain(1, 1, ZERO_HASH), () => key);
      expect(changes).to.deep.equal([]);
      expect(rejections[0].reason).to.match(/held by ledger/);
    });
  });
});
