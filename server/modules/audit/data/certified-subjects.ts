import { Types, type Connection } from "mongoose";
import { certificationModel, type CertificationDoc } from "../../certifications";

/** Which subjects a certifier's own certifications name: what a certifier may audit (decision 0009). */
export class CertifiedSubjects {
  constructor(private readonly connection: Connection) {}

  /** Whether the certifier issued a certification naming any of the subjects (batch or organization ids). */
  async anyNamedBy(certifierOrgId: string, subjectIds: string[]): Promise<boolean> {
    const found = await certificationModel(this.connection).collection.findOne({
      certifierOrgId: new Types.ObjectId(certifierOrgId),
      subjectId: { $in: subjectIds },
    });
    return found !== null;
  }

  /** The certifications naming any of the subjects; every certification without a subject list. */
  async certificationsNaming(subjectIds?: string[]): Promise<CertificationDoc[]> {
    return (await certificationModel(this.connection)
      .collection.find(subjectIds ? { subjectId: { $in: subjectIds } } : {})
      .toArray()) as CertificationDoc[];
  }
}
