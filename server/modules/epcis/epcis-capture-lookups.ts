import { Types } from "mongoose";
import { BatchRepository } from "../batches";
import { SerialRepository } from "../labels";
import type { UseCaseContext } from "../ledger";
import type { RecordingActor } from "../ingest";
import { EpcisCaptureRepository, EpcisEventIdRepository } from "./data/epcis-capture.repository";
import type { DeclaredEvent } from "./domain/from-epcis";
import { instanceIdentifiersOf } from "./domain/event-objects";
import { parseInstanceIdentifier } from "./domain/identifiers";
import type { EpcisEvent } from "./domain/to-epcis";

/**
 * What capture reads from the database before interpreting a document (decision 0031): the lots
 * of serialised items the serial registry knows, and the events that error declarations name.
 */
/**
 * The lot of each item (GTIN + serial, without lot) the document names whose serial the registry
 * holds for a batch with that GTIN; a serial issued for two lots of one GTIN places neither.
 */
export async function serialLots(
  ctx: UseCaseContext,
  events: EpcisEvent[],
): Promise<(gtin: string, serial: string) => string | undefined> {
  const wanted = new Set<string>();
  for (const event of events) {
    for (const uri of instanceIdentifiersOf(event)) {
      const item = parseInstanceIdentifier(uri);
      if (item.kind === "item" && item.lot === undefined) wanted.add(item.serial);
    }
  }
  const found = await new SerialRepository(ctx.connection).withValues([...wanted]);
  const batches = await new BatchRepository(ctx.connection).findMany([
    ...new Map(found.map((serial) => [serial.batchId.toHexString(), serial.batchId])).values(),
  ]);
  const byId = new Map(batches.map((batch) => [batch._id.toHexString(), batch]));
  const lots = new Map<string, Set<string>>();
  for (const { batchId, serial } of found) {
    const batch = byId.get(batchId.toHexString());
    if (!batch?.product.gtin) continue;
    const key = `${batch.product.gtin}/${serial}`;
    lots.set(key, (lots.get(key) ?? new Set()).add(batch.lot));
  }
  return (gtin, serial) => {
    const candidates = lots.get(`${gtin}/${serial}`);
    return candidates?.size === 1 ? [...candidates][0] : undefined;
  };
}

/** The events the document's error declarations name that the actor captured here. */
export async function declaredEvents(
  ctx: UseCaseContext,
  actor: RecordingActor,
  events: EpcisEvent[],
): Promise<(eventID: string) => DeclaredEvent | undefined> {
  const declared = events
    .filter((event) => event.errorDeclaration !== undefined && typeof event.eventID === "string")
    .map((event) => event.eventID as string);
  const claims = await new EpcisEventIdRepository(ctx.connection).claimsOf(declared);
  const captures = await new EpcisCaptureRepository(ctx.connection).findMany(
    claims.map((claim) => claim.captureId),
  );
  const found = new Map<string, DeclaredEvent>();
  for (const claim of claims) {
    const capture = captures.find((item) => item._id.equals(claim.captureId));
    if (!capture || !capture.orgId.equals(new Types.ObjectId(actor.orgId))) continue;
    const result = capture.results.find((item) => item.index === claim.index);
    if (!result) continue;
    found.set(
      claim.eventID,
      result.observed
        ? { ledger: "observations", eventId: result.eventId }
        : { ledger: "batch", batchId: result.batchId, eventId: result.eventId },
    );
  }
  return (eventID) => found.get(eventID);
}
