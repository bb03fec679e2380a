import { expect } from "chai";
import { buildEventBody } from "../../server/modules/ledger/domain/event-body";
import { computeEventHash, ZERO_HASH } from "../../server/modules/ledger/domain/event-hash";
import type { Hex } from "../../server/platform/crypto/keccak";
import { gs1LedgerKey, LedgerMap } from "../../server/modules/anchoring/domain/ledger-map";
import {
  deletedLedgerEvidence,
  examineCompleteness,
  type CompletenessFacts,
} from "../../server/modules/verification/domain/completeness";
import type { ProofBundle } from "../../server/modules/verification/domain/proof-bundle";

const BATCH = "65f0a1b2c3d4e5f600000002";
const GTIN = "06901234567892";
const ROOT = `0x${"aa".repeat(32)}`;
const LATER_ROOT = `0x${"bb".repeat(32)}`;

/** A three-event batch, all anchored in window 4 under ROOT, and the map that window committed to. */
function fixture(mapSeq = 3) {
  let prevHash: string = ZERO_HASH;
  const events = [1, 2, 3].map((seq) => {
    const body = buildEventBody(
      {
        type: seq === 1 ? "commissioning" : "inspecting",
        eventTime: "2026-04-12T08:00:00+08:00",
        bizStep: "urn:epcglobal:cbv:bizstep:inspecting",
        data: seq === 1 ? { product: { name: "茶", category: "tea", gtin: GTIN }, lot: "L1" } : { n: seq },
      },
      {
        batchId: BATCH,
        seq,
        prevHash,
        salt: `0x${String(seq).padStart(64, "0")}`,
        recordTime: "2026-04-12T00:00:00.000Z",
        actor: BATCH,
      },
    ) as unknown as Record<string, unknown>;
    const hash = computeEventHash(body);
    prevHash = hash;
    return { eventId: BATCH, hash, body, anchor: { root: ROOT, leafIndex: seq - 1, proof: [] as string[] } };
  });
  const map = new LedgerMap();
  map.set(gs1LedgerKey(GTIN, "L1"), {
    ledgerId: BATCH,
    seq: mapSeq,
    headHash: events[mapSeq - 1].hash as Hex,
  });
  map.set(gs1LedgerKey(GTIN, "other"), { ledgerId: "65f0a1b2c3d4e5f600000009", seq: 1, headHash: ZERO_HASH });
  const bundle = {
    batches: [{ batchId: BATCH, relation: "subject", label: "", head: { seq: 3, hash: events[2].hash } }],
    events,
    completeness: {
      window: { index: 4, root: ROOT, mapRoot: map.root },
      ledgers: [{ batchId: BATCH, ...map.proof(gs1LedgerKey(GTIN, "L1")) }],
    },
  } as unknown as ProofBundle;
  const facts: CompletenessFacts = {
    latest: { index: 4, root: ROOT, mapRoot: map.root },
    windowOfRoot: new Map([[ROOT, 4]]),
  };
  return { bundle, facts, map };
}

describe("completeness", () => {
  it("passes when the newest window's map holds the head shown", () => {
    const { bundle, facts } = fixture();
    expect(examineCompleteness(bundle, facts).status).to.equal("pass");
  });

  it("waits (never verifies) for a bundle of an older window, and for an unreadable chain", () => {
    const { bundle, facts } = fixture();
    const stale = examineCompleteness(bundle, {
      ...facts,
      latest: { index: 5, root: LATER_ROOT, mapRoot: ROOT },
    });
    expect(stale).to.deep.equal({
      status: "pending",
      detail:
        "the bundle shows the ledger map of window 4, the registry is at window 5: fetch a fresh bundle",
    });
    expect(examineCompleteness(bundle, { ...facts, latest: "unreachable" }).status).to.equal("pending");
    expect(examineCompleteness({ ...bundle, completeness: null }, facts).status).to.equal("pending");
  });

  it("fails a window or map root the registry does not hold", () => {
    const { bundle, facts } = fixture();
    const latest = facts.latest as { index: number; root: string; mapRoot: string };
    expect(
      examineCompleteness(bundle, { ...facts, latest: { ...latest, root: LATER_ROOT } }).status,
    ).to.equal("fail");
    expect(examineCompleteness(bundle, { ...facts, latest: { ...latest, mapRoot: ROOT } }).detail).to.match(
      /committed to map root/,
    );
  });

  it("fails a truncated chain: the map's head is beyond the records shown", () => {
    const { bundle, facts } = fixture();
    bundle.events.pop();
    expect(examineCompleteness(bundle, facts).detail).to.match(
      /head at seq 3, but the records shown end at seq 2/,
    );
  });

  it("fails events anchored beyond the map's head (a history anchored a second time)", () => {
    const { bundle, facts, map } = fixture(2);
    bundle.completeness!.window.mapRoot = map.root;
    const latest = { index: 4, root: ROOT, mapRoot: map.root };
    expect(examineCompleteness(bundle, { ...facts, latest }).detail).to.match(
      /seq 3 is anchored \(window 4\)/,
    );
  });

  it("fails a proof for another key, an altered proof and a missing proof", () => {
    const { bundle, facts, map } = fixture();
    const entry = bundle.completeness!.ledgers[0];
    bundle.completeness!.ledgers[0] = { ...entry, ...map.proof(gs1LedgerKey(GTIN, "other")), batchId: BATCH };
    expect(examineCompleteness(bundle, facts).detail).to.match(/the map proof is for key/);
    bundle.completeness!.ledgers[0] = { ...entry, value: { ...entry.value!, seq: 2 } };
    expect(examineCompleteness(bundle, facts).detail).to.match(/does not reach map root/);
    bundle.completeness!.ledgers = [];
    expect(examineCompleteness(bundle, facts).detail).to.match(/no ledger-map proof/);
  });

  it("names a deleted batch that the map still holds, and nothing for a key it does not hold", () => {
    expect(deletedLedgerEvidence("batch x", { seq: 3, headHash: ROOT, windowIndex: 7 })).to.deep.include({
      status: "fail",
    });
    expect(deletedLedgerEvidence("batch x", null)).to.equal(null);
  });
});
