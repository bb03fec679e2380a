import { Types, type Connection } from "mongoose";
import { importJobModel, type ImportJobDoc } from "./import-job.model";

/**
 * Import jobs as plain objects. A job is claimed once: a new one by an upsert keyed on (org,
 * file hash), a stale one by a compare-and-set on its last heartbeat.
 */
export class ImportJobRepository {
  constructor(private readonly connection: Connection) {}

  private get jobs() {
    return importJobModel(this.connection);
  }

  async findById(jobId: string): Promise<ImportJobDoc | null> {
    return this.jobs.findById(jobId).lean<ImportJobDoc>();
  }

  /** The organization's import of this file (identified by its SHA-256), if any. */
  async findByFile(orgId: string, fileHash: string): Promise<ImportJobDoc | null> {
    return this.jobs.findOne({ orgId: new Types.ObjectId(orgId), fileHash }).lean<ImportJobDoc>();
  }

  /** Stores the job unless the organization already has one for its file; true if stored. */
  async claimNew(job: ImportJobDoc): Promise<boolean> {
    const claimed = await this.jobs.collection.updateOne(
      { orgId: job.orgId, fileHash: job.fileHash },
      { $setOnInsert: job },
      { upsert: true },
    );
    return claimed.upsertedCount === 1;
  }

  /** Takes over a job whose heartbeat is still the one seen; null if another run moved it first. */
  async resume(job: ImportJobDoc, now: Date): Promise<ImportJobDoc | null> {
    return this.jobs
      .findOneAndUpdate(
        { _id: job._id, heartbeatAtMs: job.heartbeatAtMs },
        { $set: { state: "running", heartbeatAtMs: now.getTime(), failure: null } },
        { new: true },
      )
      .lean<ImportJobDoc>();
  }

  /** Adds stored batches and events to the counts, beats the heartbeat, and sets `written` if given. */
  async recordProgress(
    jobId: Types.ObjectId,
    stored: { batches: number; events: number },
    now: Date,
    written?: number,
  ): Promise<void> {
    await this.jobs.collection.updateOne(
      { _id: jobId },
      {
        $inc: { "counts.batches": stored.batches, "counts.events": stored.events },
        $set: { heartbeatAtMs: now.getTime(), ...(written !== undefined ? { written } : {}) },
      },
    );
  }

  async finish(jobId: Types.ObjectId, fields: Partial<ImportJobDoc>, finishedAt: Date): Promise<void> {
    await this.jobs.updateOne({ _id: jobId }, { $set: { ...fields, finishedAt } });
  }
}
