import { expect } from "chai";
import type { CertificationMessage } from "../../server/modules/certifications/domain/certification-typed-data";
import { PROOF_BUNDLE_FORMAT, type ProofBundle } from "../../server/modules/verification/domain/proof-bundle";
import { coverageProblem } from "../../server/modules/verification/domain/proof-bundle-coverage";

const FARM = "aaaaaaaaaaaaaaaaaaaaaaaa";
const SHOP = "cccccccccccccccccccccccc";
const PARENT = "bbbbbbbbbbbbbbbbbbbbbbb1";
const CHILD = "bbbbbbbbbbbbbbbbbbbbbbb2";

/** A bundle holding only the commissioning events coverage is judged by. */
function bundleOf(
  commissionings: { batchId: string; actor: string; data: Record<string, unknown> }[],
): ProofBundle {
  return {
    format: PROOF_BUNDLE_FORMAT,
    generatedAt: "2026-04-20T00:00:00Z",
    subject: {
      batchId: CHILD,
      digitalLink: "https://x/b/1",
      product: { name: "茶", category: "tea" },
      lot: "L",
    },
    chain: { chainId: 31337, registry: `0x${"11".repeat(20)}` },
    completeness: null,
    batches: [],
    events: commissionings.map(({ batchId, actor, data }, index) => ({
      eventId: `${"e".repeat(23)}${index}`,
      hash: `0x${"00".repeat(32)}`,
      body: { batchId, seq: 1, type: "commissioning", actor, data },
      anchor: null,
    })),
    anchors: [],
  };
}

const origin = { place: "3号茶园", regionCode: "330523", harvestedAt: "2026-04-12" };
const harvest = {
  product: { name: "安吉白茶", category: "tea" },
  quantity: { value: 500, unit: "KGM" },
  origin,
};

const rule: CertificationMessage = {
  certifier: `0x${"22".repeat(20)}`,
  subject: { kind: "producer", id: FARM, plot: "" },
  scheme: "green-food",
  certificateNumber: "LB-1",
  issuedAt: 0,
  validFrom: Date.parse("2026-03-31T16:00:00Z") / 1000,
  validUntil: Date.parse("2027-03-31T15:59:59Z") / 1000,
  scope: { category: "tea", regionCodePrefix: "3305" },
  quantityCap: { amount: "0", decimals: 0, unit: "" },
  evidence: [],
  salt: `0x${"33".repeat(32)}`,
};

describe("coverage from hashed evidence (proof-bundle-coverage.ts)", () => {
  it("covers a batch whose hashed commissioning matches the signed rule", () => {
    expect(
      coverageProblem(rule, PARENT, bundleOf([{ batchId: PARENT, actor: FARM, data: harvest }])),
    ).to.equal(null);
  });

  it("judges by the hashed origin: a region outside the signed prefix is not covered", () => {
    const bundle = bundleOf([
      { batchId: PARENT, actor: FARM, data: { ...harvest, origin: { ...origin, regionCode: "110101" } } },
    ]);
    expect(coverageProblem(rule, PARENT, bundle)).to.include("region 110101");
  });

  it("takes a split child's producer from the batch it was split from, not from who split it", () => {
    const bundle = bundleOf([
      { batchId: PARENT, actor: FARM, data: harvest },
      { batchId: CHILD, actor: SHOP, data: { ...harvest, kind: "split", inputs: [{ batchId: PARENT }] } },
    ]);
    expect(coverageProblem(rule, CHILD, bundle)).to.equal(null);
    const notSplit = bundleOf([{ batchId: CHILD, actor: SHOP, data: harvest }]);
    expect(coverageProblem(rule, CHILD, notSplit)).to.include(`producer ${SHOP}`);
  });

  it("checks a cap's unit only where the quantity is disclosed", () => {
    const capped = { ...rule, quantityCap: { amount: "1000", decimals: 0, unit: "LTR" } };
    const plain = bundleOf([{ batchId: PARENT, actor: FARM, data: harvest }]);
    expect(coverageProblem(capped, PARENT, plain)).to.be.a("string");
    const sealed = bundleOf([
      {
        batchId: PARENT,
        actor: FARM,
        data: { ...harvest, quantity: { "@commitment": `0x${"44".repeat(32)}` } },
      },
    ]);
    expect(coverageProblem(capped, PARENT, sealed)).to.equal(null);
  });

  it("says so when the batch has no commissioning event in the bundle", () => {
    expect(coverageProblem(rule, CHILD, bundleOf([]))).to.equal(
      `batch ${CHILD} has no hashed commissioning event to judge coverage by`,
    );
  });
});
