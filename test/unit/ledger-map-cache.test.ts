import { expect } from "chai";
import { Types, type Connection } from "mongoose";
import { LedgerMapCache } from "../../server/modules/anchoring/ledger-map-cache";
import type { AnchorWindowDoc } from "../../server/modules/anchoring/data/anchor-window.model";
import { LedgerMap } from "../../server/modules/anchoring/domain/ledger-map";
import type { Hex } from "../../server/platform/crypto/keccak";

const hex = (index: number, width: number) => index.toString(16).padStart(width, "0");

describe("LedgerMapCache: rebuilding the map from stored entries", () => {
  it("lets the event loop run while it rebuilds 20,000 ledgers (1,000,000 events held it ~300-400 ms)", async () => {
    const entries = Array.from({ length: 20_000 }, (_, index) => ({
      key: `0x${hex(index, 64)}` as Hex,
      value: { ledgerId: hex(index, 24), seq: 50, headHash: `0x${hex(index + 1, 64)}` as Hex },
    }));
    const expected = new LedgerMap();
    for (const { key, value } of entries) expected.set(key, value);
    const window = { _id: new Types.ObjectId(), mapRoot: expected.root } as AnchorWindowDoc;
    const cache = new LedgerMapCache({} as Connection);
    Object.assign(cache.store, {
      entriesAsOf: async () => entries,
      windows: async () => [],
    });

    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const started = performance.now();
    const { map, consistent } = await cache.mapAfter(window);
    const elapsed = performance.now() - started;
    clearInterval(ticker);

    expect(consistent).to.equal(true);
    expect(map.root).to.equal(expected.root);
    // A rebuild in one piece lets no timer fire; in 20 ms slices one fires about every slice.
    expect(ticks, `${ticks} timer ticks in ${elapsed.toFixed(0)} ms`).to.be.at.least(
      Math.floor(elapsed / 100),
    );
    expect(ticks).to.be.greaterThan(1);
  });
});

describe("LedgerMapCache: callers side by side", () => {
  it("never hands out the kept map half-way through moving it forward (a later window's changes in an earlier window's map)", async () => {
    const change = (index: number) => ({
      key: `0x${hex(index, 64)}`,
      ledgerId: hex(index, 24),
      seq: 1,
      headHash: `0x${hex(index + 100, 64)}`,
    });
    // Three windows, each adding one ledger; the map after each is what its mapRoot commits to.
    const changes = [change(1), change(2), change(3)];
    const windows = changes.map((_, index) => {
      const map = new LedgerMap();
      for (const { key, ...value } of changes.slice(0, index + 1)) map.set(key as Hex, value as never);
      return { _id: new Types.ObjectId(), mapRoot: map.root } as AnchorWindowDoc;
    });
    const [first, , third] = windows;
    const cache = new LedgerMapCache({} as Connection);
    const afterFirst = new LedgerMap();
    afterFirst.set(changes[0].key as Hex, changes[0] as never);
    cache.remember(first._id, afterFirst);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    Object.assign(cache.store, {
      // All three completed: a replay's windows between two ids; none pending for a rebuild.
      windows: async (states: string[], range: { afterId?: Types.ObjectId; uptoId: Types.ObjectId }) =>
        states.includes("completed")
          ? windows.filter(
              ({ _id }) =>
                (!range.afterId || _id.toHexString() > range.afterId.toHexString()) &&
                _id.toHexString() <= range.uptoId.toHexString(),
            )
          : [],
      // The third window's changes arrive late: a replay waits for them with the second applied.
      changesOf: async (id: Types.ObjectId) => {
        const index = windows.findIndex((window) => window._id.equals(id));
        if (index === 2) await pause(30);
        return [changes[index]];
      },
      entriesAsOf: async (id: Types.ObjectId) => {
        const upto = windows.findIndex((window) => window._id.equals(id));
        return changes.slice(0, upto + 1).map(({ key, ...value }) => ({ key, value }));
      },
    });

    const forward = cache.mapAfter(third);
    await pause(5); // the replay has applied the second window and waits for the third's changes
    const meanwhile = await cache.mapAfter(first);
    expect(meanwhile.map.root, "the map after the first window").to.equal(first.mapRoot);
    expect(meanwhile.consistent).to.equal(true);
    expect((await forward).map.root).to.equal(third.mapRoot);
  });
});
