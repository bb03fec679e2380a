import { expect } from "chai";
import { Types } from "mongoose";
import {
  assertMayChangeCertification,
  assertMayReadBatchCertifications,
} from "../../server/modules/certifications/certifications-policy";
import type { CertificationDoc } from "../../server/modules/certifications";
import type { Actor } from "../../server/modules/organizations";

const issuer = new Types.ObjectId();
const producer = new Types.ObjectId();
const holder = new Types.ObjectId();
const certification = { certifierOrgId: issuer } as CertificationDoc;

function actor(orgId: Types.ObjectId, ...roles: Actor["roles"]): Actor {
  return { orgId: orgId.toHexString(), name: "org", roles, keyId: "key" };
}

describe("certifications policy", () => {
  describe("assertMayChangeCertification", () => {
    it("lets the issuing certifier and admins change a certification", () => {
      expect(() => assertMayChangeCertification(actor(issuer, "certifier"), certification)).to.not.throw();
      expect(() =>
        assertMayChangeCertification(actor(new Types.ObjectId(), "admin"), certification),
      ).to.not.throw();
    });

    it("refuses another certifier and an auditor with 403", () => {
      for (const other of [
        actor(new Types.ObjectId(), "certifier"),
        actor(new Types.ObjectId(), "auditor"),
      ]) {
        expect(() => assertMayChangeCertification(other, certification))
          .to.throw("only the certifier that issued this certification can do this")
          .with.property("httpStatus", 403);
      }
    });
  });

  describe("assertMayReadBatchCertifications", () => {
    const batch = { _id: new Types.ObjectId(), producerId: producer, holderId: holder };

    it("lets the batch's producer and holder, an issuer of one of them, auditors and admins read", () => {
      for (const reader of [
        actor(producer, "producer"),
        actor(holder, "retailer"),
        actor(issuer, "certifier"),
        actor(new Types.ObjectId(), "auditor"),
        actor(new Types.ObjectId(), "admin"),
      ]) {
        expect(() => assertMayReadBatchCertifications(reader, batch, [certification])).to.not.throw();
      }
    });

    it("answers any other organization, and an issuer once no certification of theirs is listed, as for an unknown batch", () => {
      const unknown = `batch ${batch._id.toHexString()} not found`;
      expect(() =>
        assertMayReadBatchCertifications(actor(new Types.ObjectId(), "producer"), batch, [certification]),
      )
        .to.throw(unknown)
        .with.property("httpStatus", 404);
      expect(() => assertMayReadBatchCertifications(actor(issuer, "certifier"), batch, [])).to.throw(unknown);
    });
  });
});
