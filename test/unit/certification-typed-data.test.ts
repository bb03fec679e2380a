import { expect } from "chai";
import { AbiCoder, concat, keccak256, toUtf8Bytes, TypedDataEncoder, Wallet } from "ethers";
import {
  draftToMessage,
  scaleQuantity,
  toUnixSeconds,
} from "../../server/modules/certifications/domain/certification-draft";
import {
  CERTIFICATION_TYPES,
  certificationDomain,
  computeCertHash,
  domainMismatch,
  quantityCapOf,
  recoverCertificationSigner,
  type CertificationMessage,
} from "../../server/modules/certifications/domain/certification-typed-data";
import vector from "../fixtures/certification-typed-data-vector.json";

const CERTIFICATION_TYPE =
  "Certification(address certifier,Subject subject,string scheme,string certificateNumber,uint64 issuedAt," +
  "uint64 validFrom,uint64 validUntil,Scope scope,Quantity quantityCap,bytes32[] evidence,bytes32 salt)" +
  "Quantity(uint256 amount,uint8 decimals,string unit)" +
  "Scope(string category,string regionCodePrefix)" +
  "Subject(string kind,string id,string plot)";

/** hashStruct and the EIP-712 digest written out by hand, independently of TypedDataEncoder. */
function certHashByHand(domain: typeof vector.domain, message: CertificationMessage): string {
  const abi = AbiCoder.defaultAbiCoder();
  const text = (value: string) => keccak256(toUtf8Bytes(value));
  const struct = (type: string, types: string[], values: unknown[]) =>
    keccak256(abi.encode(["bytes32", ...types], [text(type), ...values]));
  const subject = struct(
    "Subject(string kind,string id,string plot)",
    ["bytes32", "bytes32", "bytes32"],
    [text(message.subject.kind), text(message.subject.id), text(message.subject.plot)],
  );
  const scope = struct(
    "Scope(string category,string regionCodePrefix)",
    ["bytes32", "bytes32"],
    [text(message.scope.category), text(message.scope.regionCodePrefix)],
  );
  const quantity = struct(
    "Quantity(uint256 amount,uint8 decimals,string unit)",
    ["uint256", "uint8", "bytes32"],
    [message.quantityCap.amount, message.quantityCap.decimals, text(message.quantityCap.unit)],
  );
  const evidence = keccak256(concat(message.evidence));
  const hashStruct = struct(
    CERTIFICATION_TYPE,
    [
      "address",
      "bytes32",
      "bytes32",
      "bytes32",
      "uint64",
      "uint64",
      "uint64",
      "bytes32",
      "bytes32",
      "bytes32",
      "bytes32",
    ],
    [
      message.certifier,
      subject,
      text(message.scheme),
      text(message.certificateNumber),
      message.issuedAt,
      message.validFrom,
      message.validUntil,
      scope,
      quantity,
      evidence,
      message.salt,
    ],
  );
  const domainSeparator = struct(
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
    ["bytes32", "bytes32", "uint256", "address"],
    [text(domain.name), text(domain.version), domain.chainId, domain.verifyingContract],
  );
  return keccak256(concat(["0x1901", domainSeparator, hashStruct]));
}

describe("certification typed data", () => {
  const message = vector.message as CertificationMessage;

  describe("CERTIFICATION_TYPES", () => {
    it("encodes to the documented EIP-712 type string", () => {
      expect(TypedDataEncoder.from(CERTIFICATION_TYPES).encodeType("Certification")).to.equal(
        CERTIFICATION_TYPE,
      );
    });
  });

  describe("computeCertHash", () => {
    it("is the EIP-712 digest, reproducible by hand from the stored fields", () => {
      const domain = certificationDomain(vector.domain.chainId, vector.domain.verifyingContract);
      expect(domain).to.deep.equal(vector.domain);
      expect(computeCertHash(domain, message)).to.equal(vector.certHash);
      expect(certHashByHand(vector.domain, message)).to.equal(vector.certHash);
    });

    it("changes with any signed field, the chain or the registry", () => {
      const domain = vector.domain;
      expect(computeCertHash(domain, { ...message, certificateNumber: "OFDC-2026-000124" })).to.not.equal(
        vector.certHash,
      );
      expect(computeCertHash(domain, { ...message, evidence: [] })).to.not.equal(vector.certHash);
      expect(computeCertHash({ ...domain, chainId: 1 }, message)).to.not.equal(vector.certHash);
      expect(
        computeCertHash(
          { ...domain, verifyingContract: "0x0000000000000000000000000000000000000001" },
          message,
        ),
      ).to.not.equal(vector.certHash);
    });
  });

  describe("recoverCertificationSigner", () => {
    it("recovers the key's address from the vector's signature, which the key reproduces", async () => {
      const wallet = new Wallet(vector.privateKey);
      expect(await wallet.signTypedData(vector.domain, CERTIFICATION_TYPES, message)).to.equal(
        vector.signature,
      );
      expect(recoverCertificationSigner(vector.domain, message, vector.signature)).to.equal(
        message.certifier,
      );
    });

    it("recovers another address when a signed field was altered", () => {
      const altered = { ...message, validUntil: message.validUntil + 365 * 24 * 3600 };
      expect(recoverCertificationSigner(vector.domain, altered, vector.signature)).to.not.equal(
        message.certifier,
      );
    });
  });

  describe("draftToMessage", () => {
    it("converts the friendly draft into the vector's message", () => {
      const certifier = new Wallet(vector.privateKey).address;
      expect(draftToMessage(vector.draft as never, certifier, vector.salt)).to.deep.equal(message);
    });

    it("reads date-only values in China time, at the start or the end of the day", () => {
      expect(toUnixSeconds("2026-04-01", "start", "validFrom")).to.equal(
        Date.parse("2026-03-31T16:00:00Z") / 1000,
      );
      expect(toUnixSeconds("2027-03-31", "end", "validUntil")).to.equal(
        Date.parse("2027-03-31T15:59:59Z") / 1000,
      );
      expect(toUnixSeconds("2026-04-01T08:00:00Z", "end", "validUntil")).to.equal(
        Date.parse("2026-04-01T08:00:00Z") / 1000,
      );
      expect(() => toUnixSeconds("April 1st", "start", "issuedAt")).to.throw("issuedAt must be an ISO 8601");
    });

    it("scales a decimal cap to an exact integer and back", () => {
      expect(scaleQuantity({ value: 12000.5, unit: "KGM" })).to.deep.equal({
        amount: "120005",
        decimals: 1,
        unit: "KGM",
      });
      expect(scaleQuantity({ value: "0.125", unit: "TNE" })).to.deep.equal({
        amount: "125",
        decimals: 3,
        unit: "TNE",
      });
      expect(scaleQuantity({ value: 500, unit: "KGM" })).to.deep.equal({
        amount: "500",
        decimals: 0,
        unit: "KGM",
      });
      expect(quantityCapOf({ amount: "120005", decimals: 1, unit: "KGM" })).to.deep.equal({
        value: 12000.5,
        unit: "KGM",
      });
      expect(quantityCapOf({ amount: "0", decimals: 0, unit: "" })).to.equal(null);
      expect(() => scaleQuantity({ value: -1, unit: "KGM" })).to.throw("positive decimal");
    });
  });

  describe("domainMismatch", () => {
    it("names the first differing field and ignores address case", () => {
      const ours = certificationDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
      expect(
        domainMismatch({ ...ours, verifyingContract: ours.verifyingContract.toUpperCase() }, ours),
      ).to.equal(null);
      expect(domainMismatch({ ...ours, version: "2" }, ours)).to.equal(
        'domain.version is "2" but this service signs for "1"',
      );
    });
  });
});
