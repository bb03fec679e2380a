import { expect } from "chai";
import { Types, type Connection } from "mongoose";
import type { AnchorWindowDoc } from "../../server/modules/anchoring/data/anchor-window.model";
import { WindowTrees } from "../../server/modules/verification/batch-records";
import { buildMerkleTree, type MerkleTree } from "../../server/platform/crypto/merkle";

/** Counts the trees it builds (from made-up leaves) instead of reading stored leaf lists. */
class CountingTrees extends WindowTrees {
  built: string[] = [];
  protected override async build(window: AnchorWindowDoc) {
    this.built.push(window._id.toHexString());
    const tree: MerkleTree = buildMerkleTree([`0x${"11".repeat(32)}`]);
    return { tree, eventIds: new Uint8Array(12) };
  }
}

const windowOf = (leafCount: number) => ({ _id: new Types.ObjectId(), leafCount }) as AnchorWindowDoc;

describe("WindowTrees: anchored windows' trees kept by leaves", () => {
  it("keeps the trees of 1,000,000 events (100 full windows) by default", async () => {
    const trees = new CountingTrees({} as Connection);
    const windows = Array.from({ length: 100 }, () => windowOf(10_000));
    for (const window of windows) await trees.get(window);
    for (const window of windows) await trees.get(window);
    expect(trees.built).to.have.length(100);
  });

  it("lets the least recently used go once the leaves pass the capacity", async () => {
    const trees = new CountingTrees({} as Connection, 25);
    const [a, b, c] = [windowOf(10), windowOf(10), windowOf(10)];
    await trees.get(a);
    await trees.get(b);
    await trees.get(a); // a is now the most recently used
    await trees.get(c); // 30 leaves: b goes
    await trees.get(a);
    await trees.get(c);
    expect(trees.built).to.deep.equal([a, b, c].map((window) => window._id.toHexString()));
    await trees.get(b);
    expect(trees.built).to.have.length(4);
  });
});
