import { Types, type Connection } from "mongoose";
import { auditRunModel, type AuditRunDoc } from "./audit-run.model";

type Progress = AuditRunDoc["progress"];

/** Audit runs as plain objects: created queued, moved by the one process that runs them. */
export class AuditRunRepository {
  constructor(private readonly connection: Connection) {}

  private get runs() {
    return auditRunModel(this.connection).collection;
  }

  async insert(run: AuditRunDoc): Promise<void> {
    await this.runs.insertOne(run);
  }

  async findById(runId: string): Promise<AuditRunDoc | null> {
    return (await this.runs.findOne({ _id: new Types.ObjectId(runId) })) as AuditRunDoc | null;
  }

  /** The newest `limit` runs (of one requesting organization when given), without their findings. */
  async newest(requestedBy: string | undefined, limit: number): Promise<AuditRunDoc[]> {
    return (await this.runs
      .find(requestedBy ? { requestedBy: new Types.ObjectId(requestedBy) } : {}, { projection: { findings: 0 } })
      .sort({ _id: -1 })
      .limit(limit)
      .toArray()) as unknown as AuditRunDoc[];
  }

  /** The newest finished run whose scope is exactly the brand (its batches and register). */
  async latestDoneOfBrand(brandId: string): Promise<AuditRunDoc | null> {
    const [run] = (await this.runs
      .find({ "scope.brandId": brandId, state: "done" })
      .sort({ _id: -1 })
      .limit(1)
      .toArray()) as unknown as AuditRunDoc[];
    return run ?? null;
  }

  async start(runId: Types.ObjectId, progress: Progress, at: Date): Promise<void> {
    await this.runs.updateOne(
      { _id: runId },
      { $set: { state: "running", startedAt: at, updatedAt: at, progress } },
    );
  }

  async saveProgress(runId: Types.ObjectId, progress: Progress, at: Date): Promise<void> {
    await this.runs.updateOne({ _id: runId }, { $set: { progress, updatedAt: at } });
  }

  async finish(runId: Types.ObjectId, finished: Partial<AuditRunDoc>): Promise<void> {
    await this.runs.updateOne({ _id: runId }, { $set: finished });
  }

  async fail(runId: Types.ObjectId, error: string, at: Date): Promise<void> {
    await this.runs.updateOne(
      { _id: runId },
      { $set: { state: "failed", error, finishedAt: at, updatedAt: at } },
    );
  }
}
