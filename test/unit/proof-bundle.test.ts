import { expect } from "chai";
import { sealFields } from "../../server/modules/ledger/domain/disclosure";
import { buildEventBody, type EventFacts } from "../../server/modules/ledger/domain/event-body";
import { computeEventHash, ZERO_HASH } from "../../server/modules/ledger/domain/event-hash";
import { type Hex } from "../../server/platform/crypto/keccak";
import { buildMerkleTree } from "../../server/platform/crypto/merkle";
import {
  BUNDLE_METHOD,
  parseProofBundle,
  PROOF_BUNDLE_FORMAT,
  type ProofBundle,
} from "../../server/modules/verification/domain/proof-bundle";
import {
  examineProofBundle,
  leafOf,
  type ChainReader,
} from "../../server/modules/verification/domain/proof-bundle-verify";
import { decideVerdict } from "../../server/modules/verification/domain/verdict";
import { findFreePort } from "../../server/platform/net/free-port";
import { rpcChainReader } from "../../scripts/verify-bundle";

const INPUT = "65f0a1b2c3d4e5f600000001";
const SUBJECT = "65f0a1b2c3d4e5f600000002";
const ACTOR = "65f0a1b2c3d4e5f6000000ff";
const REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const product = { name: "安吉白茶", category: "tea", gtin: "06901234567892" };

let saltCounter = 0;
const salt = (): Hex => `0x${(++saltCounter).toString(16).padStart(64, "0")}`;

/** A chain of events for one batch, hashed and linked exactly as the service does. */
function chainOf(batchId: string, facts: EventFacts[]) {
  let prevHash: string = ZERO_HASH;
  return facts.map((fact, index) => {
    const body = buildEventBody(fact, {
      batchId,
      seq: index + 1,
      prevHash,
      salt: salt(),
      recordTime: `2026-04-1${index}T00:00:00.000Z`,
      actor: ACTOR,
    }) as unknown as Record<string, unknown>;
    const hash = computeEventHash(body);
    prevHash = hash;
    return {
      eventId: `${batchId.slice(0, 20)}${batchId.slice(-1)}${index.toString(16).padStart(3, "0")}`,
      hash,
      body,
    };
  });
}

const commissioning = (lot: string, extra: Record<string, unknown> = {}): EventFacts => ({
  type: "commissioning",
  eventTime: "2026-04-12T08:00:00+08:00",
  bizStep: "urn:epcglobal:cbv:bizstep:commissioning",
  data: {
    ...extra,
    product: { ...product },
    lot,
    quantity: { value: 100, unit: "KGM" },
    origin: { place: "黄杜村", regionCode: "330523" },
  },
});

/** An input batch (split into) a subject batch; every event anchored in one window. */
function bundleFixture(): {
  bundle: ProofBundle;
  openings: { eventId: string; pointer: string; salt: string; value: unknown }[];
} {
  const input = chainOf(INPUT, [
    commissioning("LOT-A"),
    {
      type: "inspecting",
      eventTime: "2026-04-13T08:00:00+08:00",
      bizStep: "urn:epcglobal:cbv:bizstep:inspecting",
      data: { results: [{ name: "moisture", value: 6, pass: true }] },
    },
  ]);
  const sealed = sealFields({ data: { price: 880, note: "first sale" } }, ["/data/price"], salt);
  const subject = chainOf(SUBJECT, [
    commissioning("LOT-A-S3", {
      kind: "split",
      inputs: [{ batchId: INPUT, quantity: { value: 10, unit: "KGM" } }],
    }),
    {
      type: "selling",
      eventTime: "2026-05-01T08:00:00+08:00",
      bizStep: "urn:epcglobal:cbv:bizstep:retail_selling",
      data: sealed.facts.data,
    },
  ]);
  const events = [...input, ...subject];
  const tree = buildMerkleTree(events.map((event) => event.hash as Hex));
  const bundle: ProofBundle = {
    format: PROOF_BUNDLE_FORMAT,
    generatedAt: "2026-05-02T00:00:00.000Z",
    method: { ...BUNDLE_METHOD },
    subject: {
      batchId: SUBJECT,
      digitalLink: "https://id.example.cn/01/06901234567892/10/LOT-A-S3",
      product: { ...product },
      lot: "LOT-A-S3",
    },
    chain: { chainId: 31337, registry: REGISTRY },
    batches: [
      {
        batchId: SUBJECT,
        relation: "subject",
        label: "安吉白茶 lot LOT-A-S3",
        head: { seq: 2, hash: subject[1].hash },
      },
      {
        batchId: INPUT,
        relation: "input",
        label: "安吉白茶 lot LOT-A",
        head: { seq: 2, hash: input[1].hash },
      },
    ],
    events: events.map((event, index) => ({
      ...event,
      anchor: { root: tree.root, leafIndex: index, proof: tree.proof(index) },
    })),
    anchors: [
      { root: tree.root, leafCount: 4, txHash: `0x${"ee".repeat(32)}`, blockNumber: 5, anchoredAt: null },
    ],
    completeness: null,
  };
  const openings = sealed.openings.map((opening) => ({
    eventId: subject[1].eventId,
    pointer: opening.pointer,
    salt: opening.salt,
    value: opening.value,
  }));
  return { bundle, openings };
}

describe("proof-bundle", () => {
  /** A real JSON-RPC client pointed at a closed port: the chain cannot be reached. */
  let unreachable: ChainReader;
  before(async () => {
    unreachable = await rpcChainReader(`http://127.0.0.1:${await findFreePort()}`, REGISTRY, 2_000);
  });

  const verdictOf = async (bundle: ProofBundle) =>
    decideVerdict((await examineProofBundle(bundle, unreachable, { nowSec: 1_777_000_000 })).evidence);
  const check = (result: Awaited<ReturnType<typeof verdictOf>>, name: string) =>
    result.checks.find((item) => item.name === name)!;

  describe("parseProofBundle", () => {
    it("accepts a well-formed bundle, through JSON and back", () => {
      const { bundle } = bundleFixture();
      const parsed = parseProofBundle(JSON.parse(JSON.stringify(bundle)));
      expect(parsed.ok).to.equal(true);
    });

    it("names the field that makes a bundle malformed", () => {
      const { bundle } = bundleFixture();
      const withoutChain: Record<string, unknown> = { ...bundle };
      delete withoutChain.chain;
      expect(parseProofBundle(withoutChain)).to.deep.include({ ok: false });
      expect((parseProofBundle(withoutChain) as { problem: string }).problem).to.match(/^chain: /);
      const badHash = structuredClone(bundle);
      badHash.events[1].hash = "0x1234";
      expect((parseProofBundle(badHash) as { problem: string }).problem).to.match(
        /^events\.1\.hash: must be 32 bytes/,
      );
      expect((parseProofBundle({ ...bundle, format: "other/2" }) as { problem: string }).problem).to.match(
        /^format/,
      );
    });

    it("refuses a format 1 bundle, saying that it cannot show the latest records and what to do", () => {
      const { bundle } = bundleFixture();
      const parsed = parseProofBundle({ ...bundle, format: "ecotrace-proof-bundle/1" });
      expect(parsed.ok).to.equal(false);
      expect((parsed as { problem: string }).problem).to.match(
        /ecotrace-proof-bundle\/1 carries no ledger-map proof.*download a fresh bundle, format ecotrace-proof-bundle\/2/,
      );
    });
  });

  describe("examineProofBundle (chain unreachable)", () => {
    it("proves hashes, chains, lineage and Merkle proofs offline and waits for the chain", async () => {
      const result = await verdictOf(bundleFixture().bundle);
      expect(result.verdict).to.equal("pending");
      for (const name of ["event-hashes", "hash-chain", "lineage", "merkle-proofs"]) {
        expect(check(result, name).status, name).to.equal("pass");
      }
      expect(check(result, "on-chain")).to.deep.include({ status: "pending" });
      expect(check(result, "on-chain").detail).to.match(/could not be reached/);
    });

    it("computes the leaf the registry's verifyLeaf takes: keccak256(keccak256(hash))", () => {
      const { bundle } = bundleFixture();
      const tree = buildMerkleTree(bundle.events.map((event) => event.hash as Hex));
      bundle.events.forEach((event, index) => expect(leafOf(event.hash)).to.equal(tree.leafHash(index)));
    });

    it("fails a bundle with one changed character in an event body", async () => {
      const { bundle } = bundleFixture();
      const data = bundle.events[1].body.data as { results: { value: number }[] };
      data.results[0].value = 7;
      const result = await verdictOf(bundle);
      expect(result.verdict).to.equal("tampered");
      expect(check(result, "event-hashes").detail).to.include(bundle.events[1].eventId);
    });

    it("fails a bundle whose changed body carries a matching new hash (the chain link and proof break)", async () => {
      const { bundle } = bundleFixture();
      bundle.events[0].body.eventTime = "2026-04-11T08:00:00+08:00";
      bundle.events[0].hash = computeEventHash(bundle.events[0].body);
      const result = await verdictOf(bundle);
      expect(result.verdict).to.equal("tampered");
      expect(check(result, "hash-chain").status).to.equal("fail");
      expect(check(result, "merkle-proofs").status).to.equal("fail");
    });

    it("fails a changed Merkle proof sibling", async () => {
      const { bundle } = bundleFixture();
      const anchor = bundle.events[2].anchor!;
      const [first, ...rest] = anchor.proof;
      anchor.proof = [`0x${first.slice(2, 65)}${first.endsWith("0") ? "1" : "0"}`, ...rest];
      const result = await verdictOf(bundle);
      expect(result.verdict).to.equal("tampered");
      expect(check(result, "merkle-proofs").detail).to.include(bundle.events[2].eventId);
    });

    it("fails labels that do not match the hashed commissioning record", async () => {
      const { bundle } = bundleFixture();
      bundle.subject.product.name = "西湖龙井";
      const result = await verdictOf(bundle);
      expect(result.verdict).to.equal("tampered");
      expect(check(result, "event-hashes").detail).to.include("subject.product.name");
    });

    it("fails a bundle that leaves out an input batch named by the subject's commissioning", async () => {
      const { bundle } = bundleFixture();
      bundle.batches = bundle.batches.filter((batch) => batch.batchId !== INPUT);
      bundle.events = bundle.events.filter((event) => event.body.batchId !== INPUT);
      const result = await verdictOf(bundle);
      expect(result.verdict).to.equal("tampered");
      expect(check(result, "lineage").detail).to.include(INPUT);
    });

    it("shows recalled, over pending, for a recall recorded on an input batch", async () => {
      const { bundle } = bundleFixture();
      const input = bundle.events.filter((event) => event.body.batchId === INPUT);
      const recall = buildEventBody(
        {
          type: "recalling",
          eventTime: "2026-05-03T08:00:00+08:00",
          bizStep: "urn:epcglobal:cbv:bizstep:holding",
        },
        {
          batchId: INPUT,
          seq: 3,
          prevHash: input[1].hash,
          salt: salt(),
          recordTime: "2026-05-03T00:00:00.000Z",
          actor: ACTOR,
        },
      ) as unknown as Record<string, unknown>;
      const hash = computeEventHash(recall);
      bundle.events.push({ eventId: "65f0a1b2c3d4e5f6000000aa", hash, body: recall, anchor: null });
      bundle.batches[1].head = { seq: 3, hash };
      const result = await verdictOf(bundle);
      expect(result.verdict).to.equal("recalled");
      expect(check(result, "recall").detail).to.equal("made from recalled 安吉白茶 lot LOT-A");
    });

    it("checks disclosed private values against their commitments", async () => {
      const { bundle, openings } = bundleFixture();
      const good = await verdictOf({ ...bundle, openings });
      expect(check(good, "disclosure")).to.deep.equal({
        name: "disclosure",
        status: "pass",
        detail: "1 private value(s) open their commitments",
      });
      const bad = await verdictOf({ ...bundle, openings: [{ ...openings[0], value: 800 }] });
      expect(bad.verdict).to.equal("tampered");
      expect(check(bad, "disclosure").detail).to.include("/data/price");
    });
  });
});
