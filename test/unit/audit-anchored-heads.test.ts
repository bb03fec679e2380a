import { expect } from "chai";
import {
  checkAnchoredHead,
  checkLedgerMapRoot,
  type AnchoredHead,
} from "../../server/modules/audit/domain/audit";

const BATCH = "65f000000000000000000001";
const BRAND = "65f0000000000000000000cc";
const hash = (n: number) => `0x${String(n).padStart(64, "0")}`;

const anchored: AnchoredHead = { ledgerId: BATCH, kind: "batch", seq: 6, headHash: hash(6) };

describe("audit domain", () => {
  describe("checkAnchoredHead", () => {
    it("finds nothing when the stored head reaches the anchored head and the event there has its hash", () => {
      expect(checkAnchoredHead(anchored, { headSeq: 6, hashesAtAnchoredSeq: [hash(6)] })).to.deep.equal([]);
      expect(checkAnchoredHead(anchored, { headSeq: 8, hashesAtAnchoredSeq: [hash(6)] })).to.deep.equal([]);
    });

    it("reports a batch the map anchored whose document is gone as a missing ledger", () => {
      const [finding, ...rest] = checkAnchoredHead(anchored, null);
      expect(rest).to.deep.equal([]);
      expect(finding).to.include({ kind: "ledger_missing", batchId: BATCH });
      expect(finding.detail).to.equal(
        `the ledger map anchored batch ${BATCH} up to seq 6 (head ${hash(6)}) but no such batch is stored: it was deleted`,
      );
    });

    it("reports a brand register whose brand is gone under the brand's id, not a batch id", () => {
      const [finding] = checkAnchoredHead({ ...anchored, ledgerId: BRAND, kind: "brand" }, null);
      expect(finding).to.include({ kind: "ledger_missing", batchId: null, brandId: BRAND });
      expect(finding.detail).to.include(`brand ${BRAND}'s licence register`).and.include("no such brand");
    });

    it("reports a stored head below the anchored seq as a truncated tail, whatever the events say", () => {
      expect(checkAnchoredHead(anchored, { headSeq: 5, hashesAtAnchoredSeq: [hash(6)] })).to.deep.equal([
        {
          kind: "head_behind_anchored_map",
          batchId: BATCH,
          seq: 6,
          detail: `the ledger map anchored batch ${BATCH} up to seq 6 (head ${hash(6)}) but its stored head is at seq 5: anchored events were cut off its tail`,
        },
      ]);
    });

    it("reports an event at the anchored seq with another hash as a rewritten head", () => {
      const [finding, ...rest] = checkAnchoredHead(anchored, { headSeq: 6, hashesAtAnchoredSeq: [hash(66)] });
      expect(rest).to.deep.equal([]);
      expect(finding).to.include({ kind: "anchored_head_rewritten", batchId: BATCH, seq: 6 });
      expect(finding.detail).to.include(`has hash ${hash(66)}: the anchored head was rewritten`);
    });

    it("accepts a second event at the anchored seq next to the anchored one (the chain check reports it)", () => {
      expect(
        checkAnchoredHead(anchored, { headSeq: 6, hashesAtAnchoredSeq: [hash(66), hash(6)] }),
      ).to.deep.equal([]);
    });

    it("leaves an anchored seq with no stored event, or events not read, to the other checks", () => {
      expect(checkAnchoredHead(anchored, { headSeq: 6, hashesAtAnchoredSeq: [] })).to.deep.equal([]);
      expect(checkAnchoredHead(anchored, { headSeq: 6, hashesAtAnchoredSeq: null })).to.deep.equal([]);
    });
  });

  describe("checkLedgerMapRoot", () => {
    const window = { windowIndex: 3, root: hash(30), chainMapRoot: hash(31) };

    it("finds nothing when the stored entries rebuild to the registry's map root", () => {
      expect(checkLedgerMapRoot({ ...window, rebuiltMapRoot: hash(31) })).to.deep.equal([]);
    });

    it("reports stored entries that rebuild to another root, naming both roots and the window", () => {
      expect(checkLedgerMapRoot({ ...window, rebuiltMapRoot: hash(32) })).to.deep.equal([
        {
          kind: "ledger_map_mismatch",
          batchId: null,
          detail: `the stored ledger map entries rebuild to ${hash(32)}, but the registry holds map root ${hash(31)} for window 3 (root ${hash(30)}): entries were edited or deleted, so ledgers may be missing from this audit`,
        },
      ]);
    });
  });
});
