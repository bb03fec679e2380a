import { expect } from "chai";
import { ZERO_HASH } from "../../server/modules/ledger/domain/event-hash";
import {
  decideVerdict,
  VERDICTS,
  type BatchEvidence,
  type EventEvidence,
  type Verdict,
  type VerdictEvidence,
} from "../../server/modules/verification/domain/verdict";

type Found = Extract<VerdictEvidence, { found: true }>;

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** Two batches (an input and the subject made from it), two anchored events each, all good. */
function goodEvidence(): Found {
  const event = (batchId: string, seq: number, own: number, prev: string): EventEvidence => ({
    eventId: `${batchId}-${seq}`,
    batchId,
    seq,
    type: seq === 1 ? "commissioning" : "inspecting",
    storedHash: hash(own),
    recomputedHash: hash(own),
    identityMatches: true,
    prevHash: prev,
    anchor: {
      state: "anchored",
      root: hash(999),
      proofValid: true,
      onChain: { blockNumber: 7, timestamp: 1_776_000_000 },
      claimedBlock: 7,
      verifyLeaf: true,
      transaction: { ok: true },
    },
  });
  const batch = (batchId: string, subject: boolean, headHash: string): BatchEvidence => ({
    batchId,
    label: `lot ${batchId}`,
    subject,
    head: { seq: 2, hash: headHash },
    recalled: false,
    lineageProblem: null,
  });
  return {
    found: true,
    events: [
      event("input", 1, 11, ZERO_HASH),
      event("input", 2, 12, hash(11)),
      event("subject", 1, 21, ZERO_HASH),
      event("subject", 2, 22, hash(21)),
    ],
    batches: [batch("subject", true, hash(22)), batch("input", false, hash(12))],
    certifications: [{ certHash: hash(5), name: "Organic ORG-1", status: "valid" }],
    licences: [
      {
        licenceId: "l1",
        name: "安吉白茶 (Anji White Tea) licence l1",
        status: "active",
        reason: null,
        changedAt: "2026-03-01T00:00:00.000Z",
      },
    ],
    chainProblem: null,
  };
}

const byId = (evidence: Found, eventId: string) =>
  evidence.events.find((event) => event.eventId === eventId)!;

function anchoredAt(evidence: Found, eventId: string) {
  const anchor = byId(evidence, eventId).anchor;
  if (anchor.state !== "anchored") throw new Error("fixture event is not anchored");
  return anchor;
}

/** One way to break each verdict class, named for the test titles. */
const CONDITIONS: Record<
  Exclude<Verdict, "verified" | "unknown">,
  Record<string, (evidence: Found) => void>
> = {
  tampered: {
    "a body that does not hash to its stored hash": (e) => (byId(e, "subject-2").recomputedHash = hash(77)),
    "a body moved from another batch or position": (e) => (byId(e, "subject-1").identityMatches = false),
    "a broken prevHash link": (e) => (byId(e, "subject-2").prevHash = hash(1)),
    "a missing event in the middle of a chain": (e) =>
      (e.events = e.events.filter((event) => event.eventId !== "input-1")),
    "a head beyond the last event": (e) => (e.batches[0].head = { seq: 3, hash: hash(23) }),
    "an input batch left out of the lineage": (e) => (e.batches[0].lineageProblem = "input x is missing"),
    "a Merkle proof that does not reach its root": (e) => (anchoredAt(e, "input-2").proofValid = false),
    "a root that was never anchored on chain": (e) => (anchoredAt(e, "input-2").onChain = null),
    "a root anchored in another block than claimed": (e) => (anchoredAt(e, "input-2").claimedBlock = 8),
    "verifyLeaf refusing an event": (e) => (anchoredAt(e, "subject-1").verifyLeaf = false),
    "a transaction that did not anchor the root": (e) =>
      (anchoredAt(e, "subject-1").transaction = {
        ok: false,
        problem: "transaction 0x01 did not anchor root",
      }),
    "no registry contract where the records say": (e) =>
      (e.chainProblem = "there is no contract at registry 0x01"),
    "a disclosed private value that does not open its commitment": (e) =>
      (e.openings = [{ eventId: "subject-2", pointer: "/data/price", problem: "value does not match" }]),
    "a certification not signed by its certifier": (e) =>
      (e.certifications[0].signatureProblem = "signed by 0xbad"),
    "a certification its certifier never issued on chain": (e) =>
      e.certifications.push({ certHash: hash(7), name: "Organic FORGED-1", status: "not_issued" }),
    "a certification whose signed rule does not cover the batch that records it": (e) =>
      (e.certifications[0].coverageProblem = "its signed rule (region 3305*) does not cover batch b1"),
  },
  recalled: {
    "a recall of the batch itself": (e) => (e.batches[0].recalled = true),
    "a recall of an input batch (lineage)": (e) => (e.batches[1].recalled = true),
  },
  revoked: {
    "a revoked certification": (e) => (e.certifications[0].status = "revoked"),
    "a suspended certification": (e) => (e.certifications[0].status = "suspended"),
    "a revoked brand licence": (e) =>
      (e.licences![0] = { ...e.licences![0], status: "revoked", reason: "冒用品牌" }),
    "a brand licence that is not on record": (e) => (e.licences![0].status = "missing"),
  },
  "suspected-copy": {
    "an item label scanned from more than 5 devices": (e) =>
      (e.scans = { serial: "S1", scans: 6, distinctClients: 6, firstScanAt: "2026-05-01T02:00:00.000Z" }),
    "an item label scanned on more than 20 device-days": (e) =>
      (e.scans = { serial: "S1", scans: 21, distinctClients: 2, firstScanAt: "2026-05-01T02:00:00.000Z" }),
  },
  expired: {
    "an expired certification": (e) => (e.certifications[0].status = "expired"),
    "a certification not valid yet": (e) => (e.certifications[0].status = "not_yet_valid"),
  },
  pending: {
    "an event waiting for anchoring": (e) => (byId(e, "subject-2").anchor = { state: "pending" }),
    "an unreachable chain": (e) => (anchoredAt(e, "subject-1").onChain = "unreachable"),
    "a certification status that cannot be read": (e) => (e.certifications[0].status = "unreachable"),
    "an RPC endpoint of another chain": (e) => (e.chainUnavailable = "the RPC endpoint serves chain 1"),
  },
};

function withConditions(...apply: ((evidence: Found) => void)[]): Found {
  const evidence = goodEvidence();
  for (const change of apply) change(evidence);
  return evidence;
}

describe("verdict", () => {
  describe("decideVerdict", () => {
    it("is verified when every check passes, and says so check by check", () => {
      const result = decideVerdict(goodEvidence());
      expect(result.verdict).to.equal("verified");
      expect(result.checks.map((check) => check.status)).to.satisfy((statuses: string[]) =>
        statuses.every((status) => status === "pass"),
      );
      const names = result.checks.map((check) => check.name);
      expect(names).to.include.members([
        "event-hashes",
        "hash-chain",
        "lineage",
        "merkle-proofs",
        "on-chain",
        "recall",
        "certifications",
        "brand-licence",
        "anchoring",
      ]);
      expect(result.checks.find((check) => check.name === "on-chain")!.detail).to.include("block 7");
    });

    it("is unknown, with the reason, when the batch is not found", () => {
      const result = decideVerdict({ found: false, reason: "no batch 42 is registered" });
      expect(result).to.deep.equal({
        verdict: "unknown",
        checks: [{ name: "record", status: "fail", detail: "no batch 42 is registered" }],
      });
    });

    for (const [verdict, conditions] of Object.entries(CONDITIONS)) {
      for (const [name, apply] of Object.entries(conditions)) {
        it(`is ${verdict} for ${name}`, () => {
          const result = decideVerdict(withConditions(apply));
          expect(result.verdict).to.equal(verdict);
          const status = verdict === "pending" ? "pending" : "fail";
          expect(
            result.checks.some((check) => check.status === status),
            JSON.stringify(result.checks),
          ).to.equal(true);
        });
      }
    }

    it("names the failing event and both hashes when a body was changed", () => {
      const result = decideVerdict(
        withConditions(CONDITIONS.tampered["a body that does not hash to its stored hash"]),
      );
      const detail = result.checks.find((check) => check.name === "event-hashes")!;
      expect(detail.status).to.equal("fail");
      expect(detail.detail).to.include("subject-2").and.include(hash(77)).and.include(hash(22));
    });

    it("names a revoked brand licence and the brand owner's reason", () => {
      const result = decideVerdict(withConditions(CONDITIONS.revoked["a revoked brand licence"]));
      expect(result.checks.find((check) => check.name === "brand-licence")).to.deep.equal({
        name: "brand-licence",
        status: "fail",
        detail:
          "the brand claim is no longer backed: 安吉白茶 (Anji White Tea) licence l1 was revoked by the brand owner at 2026-03-01T00:00:00.000Z: 冒用品牌",
      });
    });

    it("warns about a suspended brand licence without changing the verdict", () => {
      const suspend = (e: Found) =>
        (e.licences![0] = { ...e.licences![0], status: "suspended", reason: "整改" });
      const result = decideVerdict(withConditions(suspend));
      expect(result.verdict).to.equal("verified");
      const check = result.checks.find((item) => item.name === "brand-licence")!;
      expect(check.status).to.equal("warn");
      expect(check.detail).to.include("is suspended by the brand owner since").and.include("整改");
      const pending = decideVerdict(
        withConditions(suspend, CONDITIONS.pending["an event waiting for anchoring"]),
      );
      expect(pending.verdict).to.equal("pending");
    });

    it("has no brand-licence check without licence evidence (unbranded batches, proof bundles)", () => {
      const evidence = goodEvidence();
      delete evidence.licences;
      const result = decideVerdict(evidence);
      expect(result.verdict).to.equal("verified");
      expect(result.checks.map((check) => check.name)).to.not.include("brand-licence");
    });

    it("keeps an item whose label passes the scan thresholds verified, and says how often it was scanned", () => {
      const scans = { serial: "S1", scans: 3, distinctClients: 2, firstScanAt: "2026-05-01T02:00:00.000Z" };
      const result = decideVerdict({ ...goodEvidence(), scans });
      expect(result.verdict).to.equal("verified");
      expect(result.checks.find((check) => check.name === "label-scans")).to.deep.equal({
        name: "label-scans",
        status: "pass",
        detail: "serial S1 scanned 3 time(s) from 2 device(s)",
      });
    });

    it("says whether the batch itself or an input was recalled", () => {
      const self = decideVerdict(withConditions(CONDITIONS.recalled["a recall of the batch itself"]));
      expect(self.checks.find((check) => check.name === "recall")!.detail).to.equal(
        "lot subject was recalled",
      );
      const input = decideVerdict(
        withConditions(CONDITIONS.recalled["a recall of an input batch (lineage)"]),
      );
      expect(input.checks.find((check) => check.name === "recall")!.detail).to.equal(
        "made from recalled lot input",
      );
    });
  });

  describe("precedence", () => {
    // unknown > tampered > recalled > revoked > suspected-copy > expired > pending > verified
    const ranked = VERDICTS.filter((verdict): verdict is keyof typeof CONDITIONS => verdict in CONDITIONS);

    it("ranks the verdicts unknown > tampered > recalled > revoked > suspected-copy > expired > pending > verified", () => {
      expect(VERDICTS).to.deep.equal([
        "unknown",
        "tampered",
        "recalled",
        "revoked",
        "suspected-copy",
        "expired",
        "pending",
        "verified",
      ]);
    });

    for (const [index, stronger] of ranked.entries()) {
      for (const weaker of ranked.slice(index + 1)) {
        it(`${stronger} wins over ${weaker}`, () => {
          // Every way of being `stronger` combined with the first way of being `weaker` (and the
          // reverse order of application, which must not matter).
          const weakCondition = Object.values(CONDITIONS[weaker])[0];
          for (const strongCondition of Object.values(CONDITIONS[stronger])) {
            // A certification cannot be both revoked and expired at once: those pairs use the
            // certification for the stronger class and an input batch recall would not be weaker.
            const both = [strongCondition, weakCondition];
            if (stronger === "revoked" && weaker === "expired") {
              const evidence = withConditions(strongCondition);
              evidence.certifications.push({ certHash: hash(6), name: "Green food GF-2", status: "expired" });
              expect(decideVerdict(evidence).verdict).to.equal(stronger);
              continue;
            }
            if ((stronger === "revoked" || stronger === "expired") && weaker === "pending") {
              const evidence = withConditions(
                strongCondition,
                CONDITIONS.pending["an event waiting for anchoring"],
              );
              expect(decideVerdict(evidence).verdict).to.equal(stronger);
              continue;
            }
            expect(decideVerdict(withConditions(...both)).verdict, `${stronger} + ${weaker}`).to.equal(
              stronger,
            );
            expect(
              decideVerdict(withConditions(...both.reverse())).verdict,
              `${weaker} + ${stronger}`,
            ).to.equal(stronger);
          }
        });
      }
    }

    it("keeps verified only when nothing at all is wrong or pending", () => {
      for (const conditions of Object.values(CONDITIONS)) {
        for (const apply of Object.values(conditions)) {
          expect(decideVerdict(withConditions(apply)).verdict).to.not.equal("verified");
        }
      }
    });
  });
});
