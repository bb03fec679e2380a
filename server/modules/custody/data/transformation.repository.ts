import type { Connection } from "mongoose";
import { transformationModel, type TransformationDoc } from "./transformation.model";

/** Records of transformations (inputs consumed, outputs created), as plain objects. */
export class TransformationRepository {
  constructor(private readonly connection: Connection) {}

  async insert(transformation: TransformationDoc): Promise<void> {
    await transformationModel(this.connection).collection.insertOne(transformation);
  }
}
