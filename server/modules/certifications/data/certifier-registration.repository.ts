import type { Connection, Types } from "mongoose";
import { certifierRegistrationModel, type CertifierRegistrationDoc } from "./certifier-registration.model";

/** The latest registration or deregistration of each certifier this service sent, as plain objects. */
export class CertifierRegistrationRepository {
  constructor(private readonly connection: Connection) {}

  private get registrations() {
    return certifierRegistrationModel(this.connection).collection;
  }

  async save(registration: Omit<CertifierRegistrationDoc, "updatedAt">): Promise<void> {
    const { _id, ...fields } = registration;
    await this.registrations.updateOne(
      { _id: _id as Types.ObjectId },
      { $set: { ...fields, updatedAt: new Date() } },
      { upsert: true },
    );
  }

  async active(): Promise<CertifierRegistrationDoc[]> {
    return (await this.registrations.find({ active: true }).toArray()) as CertifierRegistrationDoc[];
  }
}
