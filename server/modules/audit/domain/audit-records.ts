import { isSealedMarker } from "../../ledger";
import type { AuditedEvent, Finding } from "./findings";

/**
 * Pure checks of the service's working copies against what was hashed (issue 13): a batch
 * document, a transfer and a window's stored leaf list each restate facts whose evidence is a
 * hashed event (or the anchored leaf list itself). The verdict never reads these copies, but the
 * pages, filters and rules do, so an edit must show up in the audit.
 */

/** The fields of a batch document that restate its hashed commissioning event and chain. */
export interface AuditedBatchDoc {
  id: string;
  producerId: string;
  product: { name?: string; category?: string; gtin?: string };
  lot: string;
  origin: {
    place?: string;
    regionCode?: string;
    harvestedAt?: string;
    location?: { lat: number; lon: number };
  };
  quantity: { value: number; unit: string };
  status: string;
  head: { seq: number; hash: string };
}

/**
 * The batch document against its events: product, lot, origin and quantity against the
 * commissioning event (seq 1; sealed values are skipped), the producer against whoever recorded
 * it (for a split child, `splitParentProducer`: the producer of the batch it was split from),
 * the status against recalling and destroying events, and the head against the newest event.
 */
export function checkBatchDocument(
  batch: AuditedBatchDoc,
  events: readonly AuditedEvent[],
  splitParentProducer: string | null = null,
): Finding[] {
  const commissioning = events.find((event) => event.body.seq === 1);
  if (!commissioning) return [];
  const data = (commissioning.body.data ?? {}) as Record<string, unknown>;
  const hashed = (path: string) => dig(data, path);
  const problems: string[] = [];
  const compare = (field: string, stored: unknown, path: string) => {
    const value = hashed(path);
    if (value === undefined || isSealedMarker(value)) return;
    if (JSON.stringify(stored) !== JSON.stringify(value))
      problems.push(
        `${field} is ${JSON.stringify(stored)} but the commissioning event says ${JSON.stringify(value)}`,
      );
  };
  compare("product.name", batch.product.name, "product.name");
  compare("product.category", batch.product.category, "product.category");
  compare("product.gtin", batch.product.gtin, "product.gtin");
  compare("lot", batch.lot, "lot");
  compare("origin.place", batch.origin.place, "origin.place");
  compare("origin.regionCode", batch.origin.regionCode, "origin.regionCode");
  compare("origin.harvestedAt", batch.origin.harvestedAt, "origin.harvestedAt");
  compare("origin.location", batch.origin.location, "origin.location");
  compare("quantity", batch.quantity, "quantity");
  const producer = data.kind === "split" ? splitParentProducer : String(commissioning.body.actor);
  if (producer !== null && producer !== batch.producerId)
    problems.push(`producerId is ${batch.producerId} but the hashed records name ${producer}`);
  problems.push(...statusProblems(batch.status, events), ...headProblems(batch.head, events));
  return problems.map((detail) => ({ kind: "batch_document_mismatch", batchId: batch.id, detail }));
}

function statusProblems(status: string, events: readonly AuditedEvent[]): string[] {
  const has = (type: string) => events.some((event) => event.body.type === type);
  if (status === "recalled" && !has("recalling"))
    return ["status is recalled but no recalling event is stored"];
  if (status === "destroyed" && !has("destroying"))
    return ["status is destroyed but no destroying event is stored"];
  if (has("recalling") && !["recalled", "destroyed", "consumed"].includes(status))
    return [`status is ${status} but a recalling event is stored: the recall is hidden`];
  return [];
}

function headProblems(head: AuditedBatchDoc["head"], events: readonly AuditedEvent[]): string[] {
  const newest = [...events].sort((a, b) => Number(b.body.seq) - Number(a.body.seq))[0];
  if (!newest || Number(newest.body.seq) <= head.seq) return [];
  return [
    `head is seq ${head.seq} but events up to seq ${String(newest.body.seq)} are stored: the head was moved back`,
  ];
}

/** A transfer document and the hashed events that record it (shipping, then receiving). */
export interface AuditedTransfer {
  id: string;
  batchId: string;
  fromId: string;
  toId: string;
  quantity: { value: number; unit: string };
  status: string;
}

export function checkTransfer(transfer: AuditedTransfer, events: readonly AuditedEvent[]): Finding[] {
  const named = (type: string) =>
    events.find(
      (event) =>
        event.body.type === type &&
        (event.body.data as { transferId?: unknown } | undefined)?.transferId === transfer.id,
    );
  const shipping = named("shipping");
  const receiving = named("receiving");
  const problems: string[] = [];
  if (!shipping) problems.push("no shipping event records it");
  else {
    const data = shipping.body.data as Record<string, unknown>;
    if (shipping.body.actor !== transfer.fromId)
      problems.push(
        `fromId is ${transfer.fromId} but the shipping event was recorded by ${String(shipping.body.actor)}`,
      );
    if (data.to !== transfer.toId)
      problems.push(`toId is ${transfer.toId} but the shipping event says ${String(data.to)}`);
    if (!isSealedMarker(data.quantity) && JSON.stringify(data.quantity) !== JSON.stringify(transfer.quantity))
      problems.push(
        `quantity is ${JSON.stringify(transfer.quantity)} but the shipping event says ${JSON.stringify(data.quantity)}`,
      );
  }
  const outcome = (receiving?.body.data as { outcome?: unknown } | undefined)?.outcome;
  if (receiving && outcome !== transfer.status)
    problems.push(`status is ${transfer.status} but the receiving event says ${String(outcome)}`);
  if (!receiving && transfer.status !== "pending")
    problems.push(`status is ${transfer.status} but no receiving event records the decision`);
  return problems.map((detail) => ({
    kind: "transfer_mismatch",
    batchId: transfer.batchId,
    detail: `transfer ${transfer.id}: ${detail}`,
  }));
}

/** A window's stored leaf list: event ids and their hashes, in leaf order. */
export interface AuditedLeafList {
  windowId: string;
  eventIds: string[];
  leaves: string[];
}

/** What is stored of an event that a leaf list names (null: no such event is stored). */
export interface StoredLeafEvent {
  batchId: string;
  hash: string;
  anchor: { windowId: string; leafIndex: number | null } | null;
}

/**
 * Each leaf of a window names a stored event whose hash it is and whose anchor points back to
 * this window at that index. A leaf whose event was deleted, rewritten or re-anchored elsewhere
 * is a finding: the anchored root commits to a record the database no longer holds.
 */
export function checkWindowLeaves(
  list: AuditedLeafList,
  storedOf: (eventId: string) => StoredLeafEvent | null,
): Finding[] {
  const findings: Finding[] = [];
  if (list.eventIds.length !== list.leaves.length) {
    findings.push({
      kind: "window_leaf_mismatch",
      batchId: null,
      detail: `window ${list.windowId} stores ${list.eventIds.length} event ids but ${list.leaves.length} leaves`,
    });
  }
  list.eventIds.forEach((eventId, index) => {
    const stored = storedOf(eventId);
    const at = { kind: "window_leaf_mismatch" as const, batchId: stored?.batchId ?? null, eventId };
    const where = `leaf ${index} of window ${list.windowId}`;
    if (!stored) findings.push({ ...at, detail: `${where} names event ${eventId}, which is not stored` });
    else if (stored.hash !== list.leaves[index])
      findings.push({
        ...at,
        detail: `${where} is ${list.leaves[index]}, but event ${eventId} is stored with hash ${stored.hash}`,
      });
    // A claim stores no leaf index (the list is where the event's place is kept); one stored
    // before issue 15 must agree with the list.
    else if (
      stored.anchor?.windowId !== list.windowId ||
      (stored.anchor.leafIndex !== null && stored.anchor.leafIndex !== index)
    )
      findings.push({
        ...at,
        detail: `${where} names event ${eventId}, whose anchor points to ${stored.anchor ? `window ${stored.anchor.windowId} leaf ${String(stored.anchor.leafIndex)}` : "no window"}`,
      });
  });
  return findings;
}

function dig(value: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined,
      value,
    );
}
