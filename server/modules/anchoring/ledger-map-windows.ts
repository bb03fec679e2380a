import type { Connection } from "mongoose";
import { LedgerMapStore } from "./data/ledger-map-store";

export interface PublishedLedgerMapWindow {
  index: number;
  root: string;
  mapRoot: string;
  changes: { key: string; ledgerId: string; seq: number; headHash: string }[];
  rejections: { ledgerId: string; seqs: number[]; reason: string }[];
}

/**
 * The change lists of anchored windows in index order: with them a monitor replays the ledger map
 * from the first window and checks each map root the registry holds, as a Certificate Transparency
 * monitor replays a log. Read by window index, so a page costs its own size.
 */
export async function publishedLedgerMapWindows(
  connection: Connection,
  page: { after: number; limit: number },
): Promise<PublishedLedgerMapWindow[]> {
  const store = new LedgerMapStore(connection);
  const windows = await store.anchoredByIndex(page);
  const byId = await store.mapListsOf(windows.map((window) => window._id));
  return windows.map((window) => {
    const list = byId.get(window._id.toHexString());
    return {
      index: window.windowIndex!,
      root: window.root!,
      mapRoot: window.mapRoot!,
      changes: (list?.mapChanges as PublishedLedgerMapWindow["changes"] | undefined) ?? [],
      rejections: (list?.mapRejections as PublishedLedgerMapWindow["rejections"] | undefined) ?? [],
    };
  });
}
