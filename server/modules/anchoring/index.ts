/** The anchoring module's public surface: other modules import from here, never from its files. */
export { AnchorWorker, type AnchorWorkerOptions } from "./anchor.worker";
export { anchoringBacklog, anchoringHealth } from "./backlog";
export { type AnchorWindowDoc } from "./data/anchor-window.model";
export { LedgerMapStore, type StoredMapHead } from "./data/ledger-map-store";
export { WindowStore } from "./data/window-store";
export { batchLedgerKey, gs1LedgerKey, idLedgerKey, verifyLedgerMapProof } from "./domain/ledger-map";
export { ANCHOR_FAULTS } from "./faults";
export { anchorRoutes } from "./http/anchors.routes";
export { LedgerMapCache } from "./ledger-map-cache";
export { findLeafIndex, unpackEventIds, unpackLeaves } from "./window-codec";
export { withWindowAnchors } from "./event-anchors";
export { ANCHORED_STATES } from "./domain/window-state";
