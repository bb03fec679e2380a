import { expect } from "chai";
import {
  checkCertification,
  checkEventContent,
  checkLedgerLinks,
  checkInclusion,
  type AuditedEvent,
  type AuditedWindow,
} from "../../server/modules/audit/domain/audit";
import { buildEventBody } from "../../server/modules/ledger/domain/event-body";
import { computeEventHash, ZERO_HASH } from "../../server/modules/ledger/domain/event-hash";
import { buildMerkleTree, type MerkleTree } from "../../server/platform/crypto/merkle";

const BATCH = "65f000000000000000000001";

/** A well-formed chain of `count` events of one batch, ids e1..eN. */
function chain(count: number): AuditedEvent[] {
  const events: AuditedEvent[] = [];
  let prevHash: string = ZERO_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const body = buildEventBody(
      { type: "inspecting", eventTime: "2026-04-13T08:00:00+08:00", bizStep: "inspecting", data: { seq } },
      {
        batchId: BATCH,
        seq,
        prevHash,
        salt: `0x${"ab".repeat(32)}`,
        recordTime: "2026-04-13T00:00:00.000Z",
        actor: "a",
      },
    );
    const hash = computeEventHash(body);
    events.push({
      id: `e${seq}`,
      batchId: BATCH,
      seq,
      type: "inspecting",
      eventTime: new Date(body.eventTime),
      hash,
      body: body as unknown as Record<string, unknown>,
      anchor: null,
    });
    prevHash = hash;
  }
  return events;
}

const kinds = (findings: { kind: string; eventId?: string; seq?: number }[]) =>
  findings.map((finding) => `${finding.kind}@${finding.eventId ?? finding.seq}`).sort();

describe("audit checks", () => {
  describe("checkEventContent", () => {
    it("passes an untouched event and names a changed body or query copy", () => {
      const [event] = chain(1);
      expect(checkEventContent(event).findings).to.deep.equal([]);
      const tampered = { ...event, body: { ...event.body, data: { seq: 2 } } };
      expect(kinds(checkEventContent(tampered).findings)).to.deep.equal(["tampered_content@e1"]);
      const copy = { ...event, eventTime: new Date("2026-01-01T00:00:00Z") };
      expect(kinds(checkEventContent(copy).findings)).to.deep.equal(["stored_field_mismatch@e1"]);
    });
  });

  describe("checkLedgerLinks", () => {
    it("passes a complete chain whose head matches", () => {
      expect(checkLedgerLinks(BATCH, chain(5), 5)).to.deep.equal([]);
    });

    it("names a missing event by seq, in the middle and at the end", () => {
      const events = chain(5).filter((event) => event.seq !== 3);
      expect(kinds(checkLedgerLinks(BATCH, events, 5))).to.deep.equal(["missing_event@3"]);
      expect(kinds(checkLedgerLinks(BATCH, chain(5).slice(0, 4), 5))).to.deep.equal(["missing_event@5"]);
      expect(kinds(checkLedgerLinks(BATCH, chain(5).slice(1), 5))).to.deep.equal(["missing_event@1"]);
    });

    it("names both events of a swapped pair as reordered and leaves their neighbours alone", () => {
      const events = chain(5);
      events[1] = { ...events[1], body: { ...events[1].body, seq: 3 } };
      events[2] = { ...events[2], body: { ...events[2].body, seq: 2 } };
      expect(kinds(checkLedgerLinks(BATCH, events, 5))).to.deep.equal(["reordered@e2", "reordered@e3"]);
    });

    it("names a duplicated seq as inserted and a foreign link as a broken chain", () => {
      const events = chain(3);
      const extra = { ...events[1], id: "ex", hash: `0x${"11".repeat(32)}` };
      expect(kinds(checkLedgerLinks(BATCH, [...events, extra], 3))).to.deep.equal(["inserted@ex"]);
      events[2] = { ...events[2], body: { ...events[2].body, prevHash: `0x${"22".repeat(32)}` } };
      expect(kinds(checkLedgerLinks(BATCH, events, 3))).to.deep.equal(["broken_chain@e3"]);
    });
  });

  describe("checkInclusion", () => {
    const events = chain(3);
    const tree: MerkleTree = buildMerkleTree(events.map((event) => event.hash as `0x${string}`));
    const window: AuditedWindow = {
      id: "w",
      storedRoot: tree.root,
      leaves: events.map((e) => e.hash),
      rebuiltRoot: tree.root,
    };
    const anchored = (root: string) =>
      root === tree.root ? { timestamp: 1_700_000_000, blockNumber: 7, leafCount: 3 } : undefined;
    const clock = { nowMs: Date.parse("2026-04-13T00:30:00Z"), thresholdSec: 3600 };
    const at = (event: AuditedEvent, leafIndex: number) => ({
      ...event,
      anchor: { windowId: "w", root: tree.root, leafIndex },
    });

    it("accepts an event whose hash is its leaf of an anchored tree, with the anchoring time", () => {
      const result = checkInclusion(at(events[1], 1), window, anchored, clock);
      expect(result.findings).to.deep.equal([]);
      expect(result.anchoredAt).to.equal(new Date(1_700_000_000_000).toISOString());
    });

    it("reports a wrong leaf, a leaf list that does not rebuild the root, and a root the chain lacks", () => {
      expect(kinds(checkInclusion(at(events[1], 2), window, anchored, clock).findings)).to.deep.equal([
        "not_in_tree@e2",
      ]);
      const changed = { ...window, rebuiltRoot: `0x${"33".repeat(32)}` };
      expect(kinds(checkInclusion(at(events[1], 1), changed, anchored, clock).findings)).to.deep.equal([
        "not_in_tree@e2",
      ]);
      const forgotten = { ...window, storedRoot: `0x${"44".repeat(32)}` };
      expect(kinds(checkInclusion(at(events[1], 1), forgotten, anchored, clock).findings)).to.deep.equal([
        "root_not_on_chain@e2",
      ]);
    });

    it("reports an unanchored event only once it is older than the threshold", () => {
      expect(checkInclusion(events[0], undefined, anchored, clock).findings).to.deep.equal([]);
      const late = { ...clock, thresholdSec: 0 };
      expect(kinds(checkInclusion(events[0], undefined, anchored, late).findings)).to.deep.equal([
        "unanchored_too_long@e1",
      ]);
    });
  });

  describe("checkCertification", () => {
    const base = { id: "c", batchId: BATCH, certHash: "0xaa", certifier: "0xA1", messageCertifier: "0xa1" };
    it("accepts a signature recovering to the stated certifier over the stored certHash", () => {
      expect(checkCertification({ ...base, recovered: { signer: "0xa1", certHash: "0xaa" } })).to.deep.equal(
        [],
      );
    });
    it("reports another signer, another digest or an unreadable signature", () => {
      expect(
        checkCertification({ ...base, recovered: { signer: "0xb2", certHash: "0xaa" } })[0].kind,
      ).to.equal("bad_certification_signature");
      expect(
        checkCertification({ ...base, recovered: { signer: "0xa1", certHash: "0xbb" } })[0].detail,
      ).to.include("certHash");
      expect(checkCertification({ ...base, recovered: { error: "invalid signature" } })).to.have.length(1);
    });
  });
});
