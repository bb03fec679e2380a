import type { Connection } from "mongoose";
import { anchorWindowLeavesModel, anchorWindowModel, type AnchorWindowDoc } from "./data/anchor-window.model";

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
  const windows = (await anchorWindowModel(connection)
    .collection.find(
      { state: { $in: ["confirmed", "completed"] }, windowIndex: { $gt: page.after } },
      { projection: { windowIndex: 1, root: 1, mapRoot: 1 } },
    )
    .sort({ windowIndex: 1 })
    .limit(page.limit)
    .toArray()) as unknown as AnchorWindowDoc[];
  const lists = await anchorWindowLeavesModel(connection)
    .collection.find(
      { _id: { $in: windows.map((window) => window._id) } },
      { projection: { mapChanges: 1, mapRejections: 1 } },
    )
    .toArray();
  const byId = new Map(lists.map((list) => [list._id.toHexString(), list]));
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
