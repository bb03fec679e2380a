import type { Connection, Types } from "mongoose";
import {
  epcisCaptureModel,
  epcisEventIdModel,
  type CapturedEventResult,
  type EpcisCaptureDoc,
  type EpcisEventIdDoc,
} from "./epcis-capture.model";

/**
 * Capture records as plain objects. A capture is claimed once: a new one by an upsert keyed on
 * (organization, document hash), an interrupted one by a compare-and-set on its heartbeat.
 */
export class EpcisCaptureRepository {
  constructor(private readonly connection: Connection) {}

  private get captures() {
    return epcisCaptureModel(this.connection);
  }

  async findMany(captureIds: Types.ObjectId[]): Promise<EpcisCaptureDoc[]> {
    return epcisCaptureModel(this.connection)
      .find({ _id: { $in: captureIds } })
      .lean<EpcisCaptureDoc[]>();
  }

  async findById(captureId: string): Promise<EpcisCaptureDoc | null> {
    return this.captures.findById(captureId).lean<EpcisCaptureDoc>();
  }

  /** The organization's capture of this document (by its hash), if any. */
  async findByDocument(orgId: Types.ObjectId, documentHash: string): Promise<EpcisCaptureDoc | null> {
    return this.captures.findOne({ orgId, documentHash }).lean<EpcisCaptureDoc>();
  }

  /** Takes over a capture whose heartbeat is still the one seen; false if another request moved it. */
  async resume(capture: EpcisCaptureDoc, now: Date): Promise<boolean> {
    const taken = await this.captures.updateOne(
      { _id: capture._id, heartbeatAtMs: capture.heartbeatAtMs },
      { $set: { state: "writing", heartbeatAtMs: now.getTime(), failure: null } },
    );
    return taken.modifiedCount === 1;
  }

  /** Stores a new capture unless the organization has one for the document; true if stored. */
  async claimNew(
    fields: { captureId: Types.ObjectId; orgId: Types.ObjectId; documentHash: string; eventCount: number },
    now: Date,
  ): Promise<boolean> {
    const claimed = await this.captures.collection.updateOne(
      { orgId: fields.orgId, documentHash: fields.documentHash },
      {
        $setOnInsert: {
          _id: fields.captureId,
          orgId: fields.orgId,
          documentHash: fields.documentHash,
          state: "writing",
          eventCount: fields.eventCount,
          written: 0,
          results: [],
          failure: null,
          heartbeatAtMs: now.getTime(),
          createdAt: now,
        },
      },
      { upsert: true },
    );
    return claimed.upsertedCount === 1;
  }

  /** Marks a capture failed at the event that could not be recorded. */
  async fail(captureId: Types.ObjectId, failure: { index: number; code: string; message: string }): Promise<void> {
    await this.captures.updateOne({ _id: captureId }, { $set: { state: "failed", failure } });
  }

  /** Marks a capture accepted with every event written; the capture after it. */
  async accept(captureId: Types.ObjectId, written: number, finishedAt: Date): Promise<EpcisCaptureDoc | null> {
    return this.captures
      .findOneAndUpdate(
        { _id: captureId },
        { $set: { state: "accepted", written, finishedAt, failure: null } },
        { new: true },
      )
      .lean<EpcisCaptureDoc>();
  }

  /** Removes a capture that wrote nothing (it was refused before its first write). */
  async withdrawUnwritten(captureId: Types.ObjectId): Promise<void> {
    await this.captures.deleteOne({ _id: captureId, written: 0 });
  }

  /** Appends results, beats the heartbeat, and sets `written` if given. */
  async recordProgress(
    captureId: Types.ObjectId,
    results: CapturedEventResult[],
    now: Date,
    written?: number,
  ): Promise<void> {
    await this.captures.collection.updateOne({ _id: captureId }, {
      $push: { results: { $each: results } },
      $set: { heartbeatAtMs: now.getTime(), ...(written !== undefined ? { written } : {}) },
    } as never);
  }
}

/** The eventIDs captures have claimed: each eventID belongs to one capture. */
export class EpcisEventIdRepository {
  constructor(private readonly connection: Connection) {}

  private get ids() {
    return epcisEventIdModel(this.connection);
  }

  /** Claims of any of the eventIDs by other captures. */
  async claimedByOthers(eventIDs: string[], captureId: Types.ObjectId): Promise<EpcisEventIdDoc[]> {
    return this.ids.find({ eventID: { $in: eventIDs }, captureId: { $ne: captureId } }).lean<EpcisEventIdDoc[]>();
  }

  /** Claims the eventID for the capture unless claimed before; the earlier claim, or null if this one won. */
  async claim(eventID: string, captureId: Types.ObjectId, index: number, id: Types.ObjectId) {
    return this.ids.collection.findOneAndUpdate(
      { eventID },
      { $setOnInsert: { _id: id, eventID, captureId, index } },
      { upsert: true, returnDocument: "before" },
    );
  }

  /** The claims of these eventIDs. */
  async claimsOf(eventIDs: string[]): Promise<EpcisEventIdDoc[]> {
    if (eventIDs.length === 0) return [];
    return this.ids.find({ eventID: { $in: eventIDs } }).lean<EpcisEventIdDoc[]>();
  }

  /** Gives back the capture's claims on these eventIDs. */
  async release(captureId: Types.ObjectId, eventIDs: string[]): Promise<void> {
    await this.ids.deleteMany({ captureId, eventID: { $in: eventIDs } });
  }
}
