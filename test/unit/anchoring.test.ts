import { expect } from "chai";
import { Types } from "mongoose";
import { anchorWorkerOptions } from "../../server/main/anchor-worker-options";
import { backoffDelay } from "../../server/modules/anchoring/backoff";
import { chainResetReason } from "../../server/modules/anchoring/domain/chain-reset";
import { faultInjector } from "../../server/modules/anchoring/faults";
import {
  findLeafIndex,
  packWindow,
  unpackEventIds,
  unpackLeaves,
} from "../../server/modules/anchoring/window-codec";
import {
  decideWindowAction,
  initialFees,
  replacementFees,
  type AttemptFacts,
  type LedgerFacts,
} from "../../server/modules/anchoring/domain/window-decision";
import { ConfigError, loadConfig } from "../../server/main/config";

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

describe("anchoring (pure parts)", () => {
  describe("backoffDelay", () => {
    it("doubles from the base on each consecutive failure and stays at the cap", () => {
      const policy = { baseMs: 500, maxMs: 60_000 };
      expect([1, 2, 3, 4, 5, 6, 7, 8, 50, 10_000].map((n) => backoffDelay(n, policy))).to.deep.equal([
        500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
      ]);
    });

    it("is zero without failures", () => {
      expect(backoffDelay(0, { baseMs: 500, maxMs: 1_000 })).to.equal(0);
    });
  });

  describe("decideWindowAction", () => {
    const options = { confirmations: 3, stuckTxMs: 60_000, nowMs: 1_000_000 };
    const attempt = (overrides: Partial<AttemptFacts> = {}): AttemptFacts => ({
      txHash: hash(1),
      nonce: 7,
      sentAtMs: options.nowMs - 1_000,
      maxFeePerGas: 100n,
      maxPriorityFeePerGas: 10n,
      ...overrides,
    });
    const facts = (overrides: Partial<LedgerFacts> = {}): LedgerFacts => ({
      head: 100,
      anchoredBlock: 0,
      minedNonceCount: 7,
      pendingNonceCount: 8,
      receipts: [],
      latestAttemptKnown: true,
      ...overrides,
    });

    it("sends when nothing was sent and the root is not on chain", () => {
      expect(decideWindowAction([], facts(), options).kind).to.equal("send");
    });

    it("waits for confirmations, then confirms with the anchoring receipt and the gas of every mined attempt", () => {
      const receipts = [
        { txHash: hash(1), status: 1, blockNumber: 99, gasUsed: 50_000n, fee: 5_000n },
        { txHash: hash(2), status: 0, blockNumber: 99, gasUsed: 30_000n, fee: 3_000n },
      ];
      expect(decideWindowAction([attempt()], facts({ anchoredBlock: 99, receipts }), options)).to.deep.equal({
        kind: "wait",
        reason: "root anchored, 2 of 3 confirmations",
      });
      expect(decideWindowAction([attempt()], facts({ anchoredBlock: 98, receipts }), options)).to.deep.equal({
        kind: "confirm",
        blockNumber: 98,
        txHash: null,
        gasUsed: 80_000n,
        fee: 8_000n,
      });
      expect(
        decideWindowAction([attempt()], facts({ anchoredBlock: 99, head: 101, receipts }), options),
      ).to.deep.equal({ kind: "confirm", blockNumber: 99, txHash: hash(1), gasUsed: 80_000n, fee: 8_000n });
    });

    it("confirms a root anchored by someone else (a duplicate sender) without gas figures", () => {
      expect(decideWindowAction([], facts({ anchoredBlock: 50 }), options)).to.deep.equal({
        kind: "confirm",
        blockNumber: 50,
        txHash: null,
        gasUsed: null,
        fee: null,
      });
    });

    it("names the anchoring transaction when its receipt is in the root's block", () => {
      const receipts = [{ txHash: hash(3), status: 1, blockNumber: 90, gasUsed: 1n, fee: 1n }];
      const action = decideWindowAction([attempt()], facts({ anchoredBlock: 90, receipts }), options);
      expect(action).to.include({ kind: "confirm", txHash: hash(3) });
    });

    it("waits when a transaction succeeded but the root is not visible yet", () => {
      const receipts = [{ txHash: hash(1), status: 1, blockNumber: 99, gasUsed: 1n, fee: 1n }];
      expect(decideWindowAction([attempt()], facts({ receipts, minedNonceCount: 8 }), options).kind).to.equal(
        "wait",
      );
    });

    it("sends again with a new nonce when the nonce went to another transaction", () => {
      expect(decideWindowAction([attempt()], facts({ minedNonceCount: 8 }), options)).to.deep.equal({
        kind: "send",
        reason: "nonce 7 was used by another transaction",
      });
    });

    it("reports a revert as a failure (to back off) and sends again", () => {
      const receipts = [{ txHash: hash(1), status: 0, blockNumber: 99, gasUsed: 1n, fee: 1n }];
      const action = decideWindowAction([attempt()], facts({ receipts, minedNonceCount: 8 }), options);
      expect(action.kind).to.equal("send");
      expect(action).to.have.property("failure").that.includes("reverted");
    });

    it("rebroadcasts a stored transaction the node does not know, until it is overdue", () => {
      const unknown = facts({ latestAttemptKnown: false, pendingNonceCount: 7 });
      expect(decideWindowAction([attempt()], unknown, options).kind).to.equal("rebroadcast");
      const old = attempt({ sentAtMs: options.nowMs - options.stuckTxMs });
      expect(decideWindowAction([old], unknown, options).kind).to.equal("replace");
    });

    it("sends a new transaction when the stored nonce is above the chain's next nonce (a reset chain)", () => {
      const reset = facts({ minedNonceCount: 1, pendingNonceCount: 1 });
      for (const known of [false, true]) {
        expect(
          decideWindowAction([attempt()], { ...reset, latestAttemptKnown: known }, options),
        ).to.deep.equal({
          kind: "send",
          reason: "nonce 7 is above the chain's next nonce 1 (chain reset or rolled back)",
        });
      }
      const stuck = attempt({ sentAtMs: options.nowMs - options.stuckTxMs });
      expect(decideWindowAction([stuck], reset, options).kind, "not replaced at the dead nonce").to.equal(
        "send",
      );
    });

    it("waits for a pending transaction and replaces it once it is stuck", () => {
      expect(decideWindowAction([attempt()], facts(), options).kind).to.equal("wait");
      const stuck = attempt({ sentAtMs: options.nowMs - options.stuckTxMs });
      expect(decideWindowAction([stuck], facts(), options).kind).to.equal("replace");
    });

    it("judges the latest attempt only", () => {
      const old = attempt({ txHash: hash(1), sentAtMs: 0 });
      const fresh = attempt({ txHash: hash(2) });
      expect(decideWindowAction([old, fresh], facts(), options).kind).to.equal("wait");
    });
  });

  describe("fees", () => {
    it("raises both fees by at least the bump and to at least what the network asks", () => {
      expect(
        replacementFees(
          { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
          { maxFeePerGas: 90n, maxPriorityFeePerGas: 20n },
          25,
        ),
      ).to.deep.equal({ maxFeePerGas: 125n, maxPriorityFeePerGas: 20n });
      expect(
        replacementFees(
          { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
          { maxFeePerGas: 300n, maxPriorityFeePerGas: 5n },
          25,
        ),
      ).to.deep.equal({ maxFeePerGas: 300n, maxPriorityFeePerGas: 13n });
    });

    it("raises zero fees (free consortium chains) by one wei", () => {
      expect(
        replacementFees(
          { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
          { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
          25,
        ),
      ).to.deep.equal({ maxFeePerGas: 1n, maxPriorityFeePerGas: 1n });
    });

    it("respects the cap, and gives up when the cap leaves no room for the bump", () => {
      const previous = { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n };
      const network = { maxFeePerGas: 200n, maxPriorityFeePerGas: 10n };
      expect(replacementFees(previous, network, 25, 150n)).to.deep.equal({
        maxFeePerGas: 150n,
        maxPriorityFeePerGas: 13n,
      });
      expect(replacementFees(previous, network, 25, 120n)).to.equal(null);
      expect(initialFees(network, 150n)).to.deep.equal({ maxFeePerGas: 150n, maxPriorityFeePerGas: 10n });
      expect(initialFees(network)).to.deep.equal(network);
    });
  });

  describe("window codec", () => {
    it("orders leaves by event id, packs them and finds each event's leaf index", async () => {
      const ids = Array.from({ length: 50 }, () => new Types.ObjectId());
      const events = ids.map((_id, index) => ({
        _id,
        hash: hash(index + 1),
        recordTime: new Date(1_000 + index),
      }));
      const shuffled = [...events].sort(() => Math.random() - 0.5);
      const packed = await packWindow(shuffled);
      expect(unpackEventIds(packed.eventIds).map(String)).to.deep.equal(ids.map(String));
      expect(unpackLeaves(packed.leaves)).to.deep.equal(events.map((event) => event.hash));
      expect(packed.leafHashes).to.deep.equal(events.map((event) => event.hash));
      expect(packed.oldestRecordTime?.getTime()).to.equal(1_000);
      ids.forEach((id, index) => expect(findLeafIndex(packed.eventIds, id)).to.equal(index));
      expect(findLeafIndex(packed.eventIds, new Types.ObjectId())).to.equal(-1);
    });

    it("refuses a malformed event hash", async () => {
      const packing = packWindow([{ _id: new Types.ObjectId(), hash: "0x12", recordTime: new Date() }]);
      await packing.then(
        () => expect.fail("a malformed hash was packed"),
        (error: Error) => expect(error.message).to.match(/malformed hash/),
      );
    });
  });

  describe("faultInjector", () => {
    it("kills only at the configured step, after saying where", () => {
      const events: string[] = [];
      const hook = faultInjector(
        "exit-after-recorded",
        () => events.push("killed"),
        (line) => events.push(line.trim()),
      );
      hook("exit-after-claimed");
      expect(events).to.deep.equal([]);
      hook("exit-after-recorded");
      expect(events).to.deep.equal([
        `ANCHOR_FAULT exit-after-recorded: killing process ${process.pid}`,
        "killed",
      ]);
      faultInjector(undefined, () => events.push("never"))("exit-after-recorded");
      expect(events).to.have.length(2);
    });
  });

  describe("configuration", () => {
    it("anchors often with one confirmation on the embedded chain, and every 30 s with 3 on a real one", () => {
      expect(anchorWorkerOptions(loadConfig({}))).to.include({ intervalMs: 2_000, confirmations: 1 });
      const real = loadConfig({
        RPC_URL: "https://rpc.example.org",
        REGISTRY_ADDRESS: `0x${"1".repeat(40)}`,
        CHAIN_PRIVATE_KEY: "1".repeat(64),
        ANCHOR_MAX_FEE_GWEI: "2.5",
      });
      expect(anchorWorkerOptions(real)).to.include({
        intervalMs: 30_000,
        confirmations: 3,
        maxLeaves: 10_000,
      });
      expect(anchorWorkerOptions(real).maxFeePerGas).to.equal(2_500_000_000n);
    });

    it("refuses fault injection in production and out-of-range anchoring settings", () => {
      expect(() => loadConfig({ NODE_ENV: "production", ANCHOR_FAULT: "exit-after-recorded" })).to.throw(
        ConfigError,
        /ANCHOR_FAULT is a test-only setting/,
      );
      expect(() => loadConfig({ ANCHOR_MAX_LEAVES: "300000", ANCHOR_FEE_BUMP_PERCENT: "5" }))
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(/ANCHOR_MAX_LEAVES/)
        .and.matches(/ANCHOR_FEE_BUMP_PERCENT/);
    });
  });
  describe("chainResetReason", () => {
    const seen = { genesisHash: hash(1), registry: "0xAbC", minedNonceCount: 40 };
    const now = (overrides = {}) => ({ ...seen, registryHasCode: true, ...overrides });

    it("is null for the chain seen before, also with more transactions mined since", () => {
      expect(chainResetReason(seen, now())).to.equal(null);
      expect(chainResetReason(seen, now({ minedNonceCount: 41, registry: "0xabc" }))).to.equal(null);
    });

    it("is null on a first look, unless the registry has no code", () => {
      expect(chainResetReason(null, now())).to.equal(null);
      expect(chainResetReason(null, now({ registryHasCode: false }))).to.equal("no registry code at 0xAbC");
    });

    it("names a new genesis, a missing registry and a signer with fewer mined transactions", () => {
      expect(chainResetReason(seen, now({ genesisHash: hash(2) }))).to.equal(
        `the chain's genesis block changed (${hash(1)} → ${hash(2)})`,
      );
      expect(chainResetReason(seen, now({ registryHasCode: false }))).to.equal("no registry code at 0xAbC");
      expect(chainResetReason(seen, now({ minedNonceCount: 1 }))).to.equal(
        "the service signer's mined transactions fell from 40 to 1",
      );
    });

    it("does not compare views of another registry (a new deployment was configured)", () => {
      expect(chainResetReason(seen, now({ registry: "0xdef", minedNonceCount: 0 }))).to.equal(null);
    });
  });
});
