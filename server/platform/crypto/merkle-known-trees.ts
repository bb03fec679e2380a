import { LRUCache } from "lru-cache";

/** What is asked of a kept tree (merkle.ts's `MerkleTree`; not imported: merkle.ts uses this module). */
export interface KeptTree {
  readonly root: string;
  readonly leafCount: number;
  hasPath(leafHash: string, proof: readonly string[]): boolean;
}

/**
 * The Merkle trees of anchored windows this process holds, by root, least recently used out first
 * once their leaves pass `capacityLeaves` (~100 bytes a leaf). One place for every tree of the
 * process: the anchoring worker keeps the tree of each window it records, and proofs and
 * verifications take it from here instead of rebuilding it from the stored leaf list (~40 CPU ms
 * for a 10,000-leaf window: at 1,000,000 events the first read of each window paid it, issue 15).
 * A tree is kept only under its own root, and is consistent by construction, so a proof that is
 * exactly a kept tree's path is valid (`hasPath`); whether the root is anchored is the chain's
 * question, asked as before.
 */
export class KnownMerkleTrees<Tree extends KeptTree = KeptTree> {
  private readonly kept: LRUCache<string, Tree>;
  private readonly building = new Map<string, Promise<Tree>>();

  /** 2,000,000 leaves: ~200 MB at most, every window of 2M events. */
  constructor(capacityLeaves = 2_000_000) {
    this.kept = new LRUCache({ maxSize: capacityLeaves, sizeCalculation: (tree) => tree.leafCount });
  }

  keep(tree: Tree): void {
    this.kept.set(tree.root, tree);
  }

  /**
   * The kept tree of `root`, or the one `build` gives (kept if its root is `root`; callers check
   * and report a mismatch). Concurrent callers for the same root share one build.
   */
  treeOf(root: string, build: () => Promise<Tree>): Promise<Tree> {
    const kept = this.kept.get(root);
    if (kept) return Promise.resolve(kept);
    let pending = this.building.get(root);
    if (!pending) {
      pending = build()
        .then((tree) => {
          if (tree.root === root) this.keep(tree);
          return tree;
        })
        .finally(() => this.building.delete(root));
      this.building.set(root, pending);
    }
    return pending;
  }

  /** Whether `proof` is exactly the path of `leafHash` in the kept tree of `root`. */
  hasPath(root: string, leafHash: string, proof: readonly string[]): boolean {
    return this.kept.get(root)?.hasPath(leafHash, proof) ?? false;
  }

  /** How many trees and leaves are kept, for tests and diagnostics. */
  get size(): { trees: number; leaves: number } {
    return { trees: this.kept.size, leaves: this.kept.calculatedSize };
  }
}
