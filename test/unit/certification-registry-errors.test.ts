import { expect } from "chai";
import { makeError } from "ethers";
import { ProvenanceRegistry__factory } from "../../typechain-types";
import { decodeRegistryRevert, registryAppError } from "../../server/platform/evm/registry-errors";
import { AppError, ChainError } from "../../server/platform/errors";

describe("registry errors", () => {
  const registry = ProvenanceRegistry__factory.createInterface();
  const certHash = `0x${"ab".repeat(32)}`;
  const owner = "0x1111111111111111111111111111111111111111";
  const caller = "0x2222222222222222222222222222222222222222";
  /** What ethers throws for a reverted call or gas estimate, with the revert data where nodes put it. */
  const reverted = (data: string) =>
    makeError("execution reverted", "CALL_EXCEPTION", {
      action: "call",
      data,
      reason: null,
      transaction: { to: null, data: "0x" },
      invocation: null,
      revert: null,
    });

  describe("decodeRegistryRevert", () => {
    it("decodes a custom error by name with named arguments", () => {
      const data = registry.encodeErrorResult("ProvenanceRegistryCertificationNotIssued", [certHash, caller]);
      expect(decodeRegistryRevert(reverted(data))).to.deep.equal({
        name: "ProvenanceRegistryCertificationNotIssued",
        args: { certHash, issuer: caller },
      });
    });

    it("finds revert data nested in a provider error", () => {
      const data = registry.encodeErrorResult("ProvenanceRegistrySignatureExpired", [1n]);
      const nested = { message: "could not coalesce error", error: { code: 3, data } };
      expect(decodeRegistryRevert(nested)?.name).to.equal("ProvenanceRegistrySignatureExpired");
    });

    it("returns null for errors without revert data", () => {
      expect(decodeRegistryRevert(new Error("socket hang up"))).to.equal(null);
    });
  });

  describe("registryAppError", () => {
    const cases: [string, unknown[], number, string][] = [
      ["ProvenanceRegistryCertifierAlreadyRegistered", [owner], 409, "CERTIFIER_ALREADY_REGISTERED"],
      ["ProvenanceRegistryCertifierNotRegistered", [owner], 403, "CERTIFIER_NOT_REGISTERED"],
      ["ProvenanceRegistryCertificationRevoked", [certHash], 409, "CERTIFICATION_REVOKED"],
      ["ProvenanceRegistryCertificationAlreadySuspended", [certHash], 409, "CERTIFICATION_ALREADY_SUSPENDED"],
      ["ProvenanceRegistryCertificationNotSuspended", [certHash], 409, "CERTIFICATION_NOT_SUSPENDED"],
      ["ProvenanceRegistryCertificationNotIssued", [certHash, caller], 403, "CERTIFICATION_NOT_ISSUED"],
      [
        "ProvenanceRegistryCertificationAlreadyIssued",
        [certHash, owner],
        409,
        "CERTIFICATION_ALREADY_ISSUED",
      ],
      ["ProvenanceRegistrySignatureExpired", [1n], 422, "SIGNATURE_EXPIRED"],
      ["ProvenanceRegistryInvalidSignature", [owner], 422, "INVALID_SIGNATURE"],
      ["ProvenanceRegistryZeroCertHash", [], 422, "ZERO_CERT_HASH"],
      [
        "AccessControlUnauthorizedAccount",
        [caller, `0x${"00".repeat(32)}`],
        503,
        "SERVICE_SIGNER_UNAUTHORIZED",
      ],
    ];
    for (const [name, args, status, code] of cases) {
      it(`maps ${name} to ${status} ${code}`, () => {
        const error = registryAppError(reverted(registry.encodeErrorResult(name, args)), "test");
        expect(error).to.be.instanceOf(AppError);
        expect(error.httpStatus).to.equal(status);
        expect(error.code).to.equal(code);
        expect((error.details as { error: string }).error).to.equal(name);
      });
    }

    it("names the parties in the message", () => {
      const data = registry.encodeErrorResult("ProvenanceRegistryCertificationNotIssued", [certHash, caller]);
      expect(registryAppError(reverted(data), "test").message).to.equal(
        `${caller} did not issue certification ${certHash} on chain; only its issuer can change its status`,
      );
    });

    it("reports a revert it cannot decode as 502 and an unreachable chain as 503", () => {
      const unknown = registryAppError(reverted("0xdeadbeef"), "relay");
      expect(unknown.httpStatus).to.equal(502);
      expect(unknown.code).to.equal("CHAIN_REVERTED");
      const down = registryAppError(new Error("connect ECONNREFUSED"), "relay");
      expect(down).to.be.instanceOf(ChainError);
      expect(down.httpStatus).to.equal(503);
    });
  });
});
