import { expect } from "chai";
import {
  certificationStatus,
  chainStatusOf,
  type ChainCertificationRecord,
} from "../../server/modules/certifications/domain/certification-status";

describe("certification status", () => {
  const issuer = "0x1111111111111111111111111111111111111111";
  const rival = "0x2222222222222222222222222222222222222222";
  const certification = { certifier: issuer, validFrom: 1_000, validUntil: 2_000 };
  const issued = { issuer, issuedAt: 900 };
  const untouched: ChainCertificationRecord = { ...issued, status: "none", updatedAt: 900 };
  const revoked: ChainCertificationRecord = { ...issued, status: "revoked", updatedAt: 1_500 };
  const suspended: ChainCertificationRecord = { ...issued, status: "suspended", updatedAt: 1_200 };
  const neverIssued: ChainCertificationRecord = { issuer: null, issuedAt: 0, status: "none", updatedAt: 0 };

  describe("certificationStatus", () => {
    it("is valid inside the window when the chain has no suspension or revocation", () => {
      expect(certificationStatus(certification, untouched, 1_500)).to.deep.equal({
        state: "valid",
        reason: "valid until 1970-01-01T00:33:20.000Z",
      });
    });

    it("treats both ends of the window as inside it", () => {
      expect(certificationStatus(certification, untouched, 1_000).state).to.equal("valid");
      expect(certificationStatus(certification, untouched, 2_000).state).to.equal("valid");
    });

    it("is expired after validUntil and not yet valid before validFrom", () => {
      expect(certificationStatus(certification, untouched, 2_001).state).to.equal("expired");
      expect(certificationStatus(certification, untouched, 999).state).to.equal("not_yet_valid");
    });

    it("reports a revocation on chain before anything else, also when expired", () => {
      const inside = certificationStatus(certification, revoked, 1_500);
      expect(inside.state).to.equal("revoked");
      expect(inside.reason).to.equal(`revoked on chain by ${issuer} at 1970-01-01T00:25:00.000Z`);
      expect(certificationStatus(certification, revoked, 5_000).state).to.equal("revoked");
    });

    it("reports a suspension before the validity window", () => {
      expect(certificationStatus(certification, suspended, 1_500).state).to.equal("suspended");
      expect(certificationStatus(certification, suspended, 5_000).state).to.equal("suspended");
    });

    it("is unknown, never valid, when the chain could not be read", () => {
      expect(certificationStatus(certification, null, 1_500).state).to.equal("unknown");
      expect(certificationStatus(certification, null, 5_000).state).to.equal("expired");
    });

    it("is not issued, before anything else, when the registry has no issuance by the named certifier", () => {
      for (const nowSec of [1_500, 5_000]) {
        expect(certificationStatus(certification, neverIssued, nowSec)).to.deep.equal({
          state: "not_issued",
          reason: `not issued on chain by its certifier ${issuer} (never registered, or the issuance was never sent)`,
        });
      }
    });

    it("is not issued when the record read is another certifier's issuance", () => {
      const rivals: ChainCertificationRecord = { ...untouched, issuer: rival };
      expect(certificationStatus(certification, rivals, 1_500).state).to.equal("not_issued");
    });
  });

  describe("chainStatusOf", () => {
    it("maps the registry's enum values and refuses others", () => {
      expect([0, 1, 2].map(chainStatusOf)).to.deep.equal(["none", "suspended", "revoked"]);
      expect(chainStatusOf(2n)).to.equal("revoked");
      expect(() => chainStatusOf(3)).to.throw(RangeError);
    });
  });
});
