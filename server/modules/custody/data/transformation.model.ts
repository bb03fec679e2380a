import { Schema, type Connection, type Types } from "mongoose";
import { modelFor } from "../../../platform/mongo/model-for";

/** Processing that consumed input quantities and created output batches (also merges). */
export interface TransformationDoc {
  _id: Types.ObjectId;
  actorId: Types.ObjectId;
  inputs: { batchId: Types.ObjectId; quantity: { value: number; unit: string }; eventId: Types.ObjectId }[];
  outputIds: Types.ObjectId[];
  createdAt: Date;
}

const transformationSchema = new Schema<TransformationDoc>(
  {
    actorId: { type: Schema.Types.ObjectId, required: true },
    inputs: [
      new Schema(
        {
          batchId: Schema.Types.ObjectId,
          quantity: { value: Number, unit: String },
          eventId: Schema.Types.ObjectId,
        },
        { _id: false },
      ),
    ],
    outputIds: [Schema.Types.ObjectId],
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function transformationModel(connection: Connection) {
  return modelFor(connection, "Transformation", transformationSchema);
}
