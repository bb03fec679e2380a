import { Schema, type Connection, type Types } from "mongoose";
import type { CertificationDomain, CertificationMessage } from "../domain/certification-typed-data";
import { modelFor } from "../../../platform/mongo/model-for";

/**
 * A certification exactly as its certifier signed it: `typedData` (domain, types, primary type,
 * message) and `signature` are all an auditor needs to recompute `certHash` and recover the signer.
 * The other fields are copies for querying. Never updated. Status is NOT stored here: it lives on
 * chain (`certificationOf`); relayed signed changes are in certification-status-change.model.ts.
 */
export interface CertificationDoc {
  _id: Types.ObjectId;
  certHash: string;
  certifierOrgId: Types.ObjectId;
  /** Lowercase address of the signing certifier (= typedData.message.certifier). */
  certifier: string;
  scheme: string;
  certificateNumber: string;
  subjectKind: CertificationMessage["subject"]["kind"];
  /** Batch id (batch subject) or producer organization id (producer and plot subjects). */
  subjectId: string;
  validFrom: number;
  validUntil: number;
  typedData: {
    domain: CertificationDomain;
    primaryType: string;
    types: Record<string, { name: string; type: string }[]>;
    message: CertificationMessage;
  };
  signature: string;
  createdAt: Date;
}

const certificationSchema = new Schema<CertificationDoc>(
  {
    certHash: { type: String, required: true },
    certifierOrgId: { type: Schema.Types.ObjectId, required: true },
    certifier: { type: String, required: true },
    scheme: { type: String, required: true },
    certificateNumber: { type: String, required: true },
    subjectKind: { type: String, required: true },
    subjectId: { type: String, required: true },
    validFrom: { type: Number, required: true },
    validUntil: { type: Number, required: true },
    typedData: { type: Schema.Types.Mixed, required: true },
    signature: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
// certHash is unique (MongoDB enforces it; on the embedded engine the insert is an upsert keyed
// by certHash, so a certification is stored once even under concurrent submissions).
certificationSchema.index({ certHash: 1 }, { unique: true });
certificationSchema.index({ subjectId: 1, subjectKind: 1 });
certificationSchema.index({ certifierOrgId: 1, _id: 1 });

export function certificationModel(connection: Connection) {
  return modelFor(connection, "Certification", certificationSchema);
}
