import { expect } from "chai";
import {
  checkBatchDocument,
  checkCertificationCopies,
  checkTransfer,
  checkWindowLeaves,
  type AuditedBatchDoc,
  type AuditedEvent,
  type StoredCertificationCopies,
  type StoredLeafEvent,
} from "../../server/modules/audit/domain/audit";

const BATCH = "65f000000000000000000001";
const FARM = "65f0000000000000000000aa";
const SHOP = "65f0000000000000000000bb";

function event(seq: number, type: string, data: Record<string, unknown>, actor = FARM): AuditedEvent {
  return {
    id: `e${seq}`,
    batchId: BATCH,
    seq,
    type,
    eventTime: "2026-04-13T00:00:00.000Z",
    hash: `0x${String(seq).padStart(64, "0")}`,
    body: { batchId: BATCH, seq, type, actor, data },
    anchor: null,
  };
}

const origin = { place: "黄杜村 3号茶园", regionCode: "330523", harvestedAt: "2026-04-12" };
const commissioning = event(1, "commissioning", {
  product: { name: "安吉白茶", category: "tea" },
  lot: "AJBC-1",
  quantity: { value: 500, unit: "KGM" },
  origin,
});

function batchDoc(overrides: Partial<AuditedBatchDoc> = {}): AuditedBatchDoc {
  return {
    id: BATCH,
    producerId: FARM,
    product: { name: "安吉白茶", category: "tea" },
    lot: "AJBC-1",
    origin,
    quantity: { value: 500, unit: "KGM" },
    status: "active",
    head: { seq: 1, hash: commissioning.hash },
    ...overrides,
  };
}

describe("audit of stored copies (server/modules/audit/domain/audit-records.ts)", () => {
  describe("checkBatchDocument", () => {
    it("finds nothing when the document restates its commissioning event and chain", () => {
      expect(checkBatchDocument(batchDoc(), [commissioning])).to.deep.equal([]);
    });

    it("names an origin field edited in the document (the unhashed regionCode of finding 2)", () => {
      const [finding] = checkBatchDocument(batchDoc({ origin: { ...origin, regionCode: "110101" } }), [
        commissioning,
      ]);
      expect(finding.kind).to.equal("batch_document_mismatch");
      expect(finding.detail).to.equal(
        'origin.regionCode is "110101" but the commissioning event says "330523"',
      );
    });

    it("names a changed producer, quantity and lot", () => {
      const findings = checkBatchDocument(
        batchDoc({ producerId: SHOP, quantity: { value: 900, unit: "KGM" }, lot: "OTHER" }),
        [commissioning],
      );
      expect(findings.map((finding) => finding.detail.split(" ")[0])).to.have.members([
        "lot",
        "quantity",
        "producerId",
      ]);
    });

    it("skips a sealed quantity and takes a split child's producer from its parent", () => {
      const sealed = event(
        1,
        "commissioning",
        {
          kind: "split",
          inputs: [{ batchId: "65f000000000000000000009" }],
          product: { name: "安吉白茶", category: "tea" },
          lot: "AJBC-1",
          quantity: { "@commitment": `0x${"cd".repeat(32)}` },
          origin,
        },
        SHOP,
      );
      expect(checkBatchDocument(batchDoc(), [sealed], FARM)).to.deep.equal([]);
      expect(checkBatchDocument(batchDoc(), [sealed], SHOP)[0].detail).to.include("producerId");
    });

    it("finds a hidden recall and a recall status without its event", () => {
      const recall = event(2, "recalling", { reason: "label" });
      const hidden = checkBatchDocument(batchDoc({ head: { seq: 2, hash: recall.hash } }), [
        commissioning,
        recall,
      ]);
      expect(hidden[0].detail).to.equal(
        "status is active but a recalling event is stored: the recall is hidden",
      );
      const unfounded = checkBatchDocument(batchDoc({ status: "recalled" }), [commissioning]);
      expect(unfounded[0].detail).to.equal("status is recalled but no recalling event is stored");
    });

    it("finds a head moved back below the stored events", () => {
      const second = event(2, "inspecting", {});
      const [finding] = checkBatchDocument(batchDoc(), [commissioning, second]);
      expect(finding.detail).to.equal(
        "head is seq 1 but events up to seq 2 are stored: the head was moved back",
      );
    });
  });

  describe("checkTransfer", () => {
    const transfer = {
      id: "t1",
      batchId: BATCH,
      fromId: FARM,
      toId: SHOP,
      quantity: { value: 100, unit: "KGM" },
      status: "accepted",
    };
    const shipping = event(2, "shipping", {
      transferId: "t1",
      to: SHOP,
      quantity: { value: 100, unit: "KGM" },
    });
    const receiving = event(3, "receiving", { transferId: "t1", from: FARM, outcome: "accepted" }, SHOP);

    it("finds nothing when shipping and receiving events restate the transfer", () => {
      expect(checkTransfer(transfer, [commissioning, shipping, receiving])).to.deep.equal([]);
    });

    it("names a receiver, quantity or status edited in the transfer document", () => {
      const findings = checkTransfer(
        { ...transfer, toId: FARM, quantity: { value: 1, unit: "KGM" }, status: "rejected" },
        [commissioning, shipping, receiving],
      );
      expect(findings).to.have.length(3);
      expect(findings.every((finding) => finding.kind === "transfer_mismatch")).to.equal(true);
      expect(findings.map((finding) => finding.detail)).to.include(
        "transfer t1: status is rejected but the receiving event says accepted",
      );
    });

    it("finds a transfer no hashed event records", () => {
      expect(checkTransfer({ ...transfer, status: "pending" }, [commissioning])[0].detail).to.equal(
        "transfer t1: no shipping event records it",
      );
    });
  });

  describe("checkCertificationCopies", () => {
    const certification: StoredCertificationCopies = {
      id: "c1",
      batchId: null,
      copies: {
        certifier: "0xabc",
        scheme: "organic",
        certificateNumber: "N-1",
        subjectKind: "producer",
        subjectId: FARM,
        validFrom: 100,
        validUntil: 200,
      },
      message: {
        certifier: "0xABC",
        scheme: "organic",
        certificateNumber: "N-1",
        subject: { kind: "producer", id: FARM },
        validFrom: 100,
        validUntil: 200,
      },
    };

    it("finds nothing when the copies restate the signed message", () => {
      expect(checkCertificationCopies(certification)).to.deep.equal([]);
    });

    it("names a validUntil edited in the stored copy (finding 6)", () => {
      const [finding] = checkCertificationCopies({
        ...certification,
        copies: { ...certification.copies, validUntil: 1 },
      });
      expect(finding).to.deep.equal({
        kind: "certification_field_mismatch",
        batchId: null,
        certificationId: "c1",
        detail: "validUntil is 1 but the signed message says 200",
      });
    });
  });

  describe("checkWindowLeaves", () => {
    const list = { windowId: "w1", eventIds: ["e1", "e2"], leaves: ["0xaa", "0xbb"] };
    const stored: Record<string, StoredLeafEvent> = {
      e1: { batchId: BATCH, hash: "0xaa", anchor: { windowId: "w1", leafIndex: 0 } },
      e2: { batchId: BATCH, hash: "0xbb", anchor: { windowId: "w1", leafIndex: 1 } },
    };

    it("finds nothing when every leaf is its stored event's hash, anchored back to it", () => {
      expect(checkWindowLeaves(list, (id) => stored[id] ?? null)).to.deep.equal([]);
    });

    it("accepts events that keep their window's claim marker (no leaf index stored), but not a wrong stored index", () => {
      const claims: Record<string, StoredLeafEvent> = {
        e1: { ...stored.e1, anchor: { windowId: "w1", leafIndex: null } },
        e2: { ...stored.e2, anchor: { windowId: "w1", leafIndex: null } },
      };
      expect(checkWindowLeaves(list, (id) => claims[id] ?? null)).to.deep.equal([]);
      const wrong: Record<string, StoredLeafEvent> = {
        ...claims,
        e2: { ...stored.e2, anchor: { windowId: "w1", leafIndex: 0 } },
      };
      expect(
        checkWindowLeaves(list, (id) => wrong[id] ?? null).map((finding) => finding.detail),
      ).to.deep.equal(["leaf 1 of window w1 names event e2, whose anchor points to window w1 leaf 0"]);
    });

    it("finds a deleted event, a rewritten one and one re-anchored elsewhere", () => {
      const details = (lookup: Record<string, StoredLeafEvent>) =>
        checkWindowLeaves(list, (id) => lookup[id] ?? null).map((finding) => finding.detail);
      expect(details({ e1: stored.e1 })).to.deep.equal([
        "leaf 1 of window w1 names event e2, which is not stored",
      ]);
      expect(details({ ...stored, e2: { ...stored.e2, hash: "0xcc" } })).to.deep.equal([
        "leaf 1 of window w1 is 0xbb, but event e2 is stored with hash 0xcc",
      ]);
      expect(
        details({ ...stored, e2: { ...stored.e2, anchor: { windowId: "w9", leafIndex: 0 } } }),
      ).to.deep.equal(["leaf 1 of window w1 names event e2, whose anchor points to window w9 leaf 0"]);
    });
  });
});
