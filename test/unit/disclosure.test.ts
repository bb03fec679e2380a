import { expect } from "chai";
import { concat, keccak256, toUtf8Bytes } from "ethers";
import {
  computeCommitment,
  findSealedFields,
  formatPointer,
  isSealedMarker,
  openingProblem,
  parsePointer,
  privatePointerSyntaxProblem,
  privatePointersProblem,
  sealFields,
} from "../../server/modules/ledger/domain/disclosure";
import { buildEventBody } from "../../server/modules/ledger/domain/event-body";
import { computeEventHash } from "../../server/modules/ledger/domain/event-hash";
import { type Hex } from "../../server/platform/crypto/keccak";
import vectors from "../fixtures/event-hash-vectors.json";

const SALT_A = `0x${"11".repeat(32)}` as Hex;
const SALT_B = `0x${"22".repeat(32)}` as Hex;

function saltsFrom(...salts: Hex[]) {
  const queue = [...salts];
  return () => queue.shift()!;
}

const facts = () => ({
  type: "selling",
  eventTime: "2026-05-01T10:00:00+08:00",
  bizStep: "urn:epcglobal:cbv:bizstep:retail_selling",
  location: { name: "杭州 门店", lat: 30.27415, lon: 120.15515 },
  data: { price: { amount: 880, currency: "CNY" }, buyer: "某超市", items: [{ sku: "A", cost: 12 }] },
});

const chain = {
  batchId: "65f0a1b2c3d4e5f601234567",
  seq: 4,
  prevHash: `0x${"ab".repeat(32)}`,
  salt: `0x${"cd".repeat(32)}`,
  recordTime: "2026-05-01T02:00:01.000Z",
  actor: "65f0a1b2c3d4e5f6012345ff",
};

describe("disclosure", () => {
  describe("computeCommitment", () => {
    it("is keccak256(salt ‖ utf8(RFC 8785 of the value)), as computed independently with ethers", () => {
      const value = { currency: "CNY", amount: 880 };
      const expected = keccak256(concat([SALT_A, toUtf8Bytes('{"amount":880,"currency":"CNY"}')]));
      expect(computeCommitment(SALT_A, value)).to.equal(expected);
    });

    it("depends on the salt, so equal values do not show as equal commitments", () => {
      expect(computeCommitment(SALT_A, 880)).to.not.equal(computeCommitment(SALT_B, 880));
    });

    it("refuses a salt that is not 32 bytes of lowercase hex", () => {
      expect(() => computeCommitment("0x1234", 1)).to.throw(TypeError, /32 bytes/);
    });
  });

  describe("sealFields", () => {
    it("replaces each pointed value by a commitment marker and returns the openings", () => {
      const input = facts();
      const { facts: sealed, openings } = sealFields(
        input,
        ["/data/price", "/location/lat"],
        saltsFrom(SALT_A, SALT_B),
      );
      expect(sealed.data.price).to.deep.equal({
        "@commitment": computeCommitment(SALT_A, { amount: 880, currency: "CNY" }),
      });
      expect(sealed.location.lat).to.deep.equal({ "@commitment": computeCommitment(SALT_B, 30.27415) });
      expect(sealed.data.buyer).to.equal("某超市");
      expect(openings).to.deep.equal([
        {
          pointer: "/data/price",
          salt: SALT_A,
          value: { amount: 880, currency: "CNY" },
          commitment: computeCommitment(SALT_A, { amount: 880, currency: "CNY" }),
        },
        {
          pointer: "/location/lat",
          salt: SALT_B,
          value: 30.27415,
          commitment: computeCommitment(SALT_B, 30.27415),
        },
      ]);
      expect(input.data.price, "the input is not changed").to.deep.equal({ amount: 880, currency: "CNY" });
    });

    it("seals array items and values under escaped keys", () => {
      const input = { data: { items: [{ cost: 12 }], "a/b": 1, "c~d": 2 } };
      const { facts: sealed } = sealFields(
        input,
        ["/data/items/0/cost", "/data/a~1b", "/data/c~0d"],
        saltsFrom(SALT_A, SALT_B, SALT_A),
      );
      expect(isSealedMarker(sealed.data.items[0].cost)).to.equal(true);
      expect(isSealedMarker(sealed.data["a/b"])).to.equal(true);
      expect(isSealedMarker(sealed.data["c~d"])).to.equal(true);
    });

    it("leaves a body without private fields exactly as before, so existing hashes stand", () => {
      for (const vector of vectors as { body: Record<string, unknown>; hash: string }[]) {
        const { facts: unchanged, openings } = sealFields(vector.body, [], saltsFrom());
        expect(openings).to.deep.equal([]);
        expect(computeEventHash(unchanged)).to.equal(vector.hash);
      }
    });

    it("gives a body whose hash verifies as it is, and whose openings prove each hidden value", () => {
      const { facts: sealed, openings } = sealFields(
        facts(),
        ["/data/price", "/data/buyer"],
        saltsFrom(SALT_A, SALT_B),
      );
      const body = buildEventBody(sealed as never, chain) as unknown as Record<string, unknown>;
      const published = JSON.parse(JSON.stringify(body));
      expect(computeEventHash(published)).to.equal(computeEventHash(body));
      expect(JSON.stringify(published)).to.not.include("880").and.not.include("某超市");
      for (const opening of openings) expect(openingProblem(published, opening)).to.equal(null);
    });
  });

  describe("openingProblem", () => {
    const sealedBody = () => {
      const { facts: sealed, openings } = sealFields(facts(), ["/data/price"], saltsFrom(SALT_A));
      return {
        body: buildEventBody(sealed as never, chain) as unknown as Record<string, unknown>,
        opening: openings[0],
      };
    };

    it("refuses another value, another salt, or a pointer with no sealed field", () => {
      const { body, opening } = sealedBody();
      expect(openingProblem(body, { ...opening, value: { amount: 881, currency: "CNY" } })).to.match(
        /not to the committed/,
      );
      expect(openingProblem(body, { ...opening, salt: SALT_B })).to.match(/not to the committed/);
      expect(openingProblem(body, { ...opening, pointer: "/data/buyer" })).to.match(
        /no sealed field at \/data\/buyer/,
      );
      expect(openingProblem(body, { ...opening, salt: "0x12" })).to.match(/malformed/);
    });
  });

  describe("privatePointersProblem", () => {
    it("accepts pointers into data and location", () => {
      expect(
        privatePointersProblem(facts(), ["/data/price", "/data/items/0/cost", "/location/lat"]),
      ).to.equal(null);
      expect(privatePointersProblem(facts(), ["/location"])).to.equal(null);
    });

    it("names the first pointer that names nothing, overlaps another or points elsewhere", () => {
      expect(privatePointersProblem(facts(), ["/data/price", "/data/nothing"])).to.deep.equal({
        index: 1,
        problem: "names no value of this event (/data/nothing)",
      });
      expect(privatePointersProblem(facts(), ["/data/price", "/data/price/amount"])).to.deep.equal({
        index: 0,
        problem: "overlaps private field /data/price/amount",
      });
      expect(privatePointersProblem(facts(), ["/data/price", "/data/price"])!.problem).to.match(/overlaps/);
      expect(privatePointersProblem(facts(), ["/type"])!.problem).to.equal(
        "must point into /data or /location",
      );
      expect(privatePointersProblem(facts(), ["/data"])!.problem).to.match(/inside \/data/);
    });

    it("checks syntax: a leading slash, valid escapes, no empty segments", () => {
      expect(privatePointerSyntaxProblem("data/price")).to.match(/JSON Pointer/);
      expect(privatePointerSyntaxProblem("/data/a~2")).to.match(/~ escape/);
      expect(privatePointerSyntaxProblem("/data//x")).to.match(/empty segments/);
      expect(
        privatePointerSyntaxProblem("/data/origin/location", ["/data/origin/location", "/data/quantity"]),
      ).to.equal(null);
      expect(
        privatePointerSyntaxProblem("/data/origin/place", ["/data/origin/location", "/data/quantity"]),
      ).to.match(/must point into/);
    });
  });

  describe("findSealedFields and isSealedMarker", () => {
    it("finds every marker under data and location, nested and in arrays", () => {
      const { facts: sealed, openings } = sealFields(
        facts(),
        ["/data/items/0/cost", "/location/lon", "/data/buyer"],
        saltsFrom(SALT_A, SALT_B, SALT_A),
      );
      const found = findSealedFields(sealed);
      expect(found.map((field) => field.pointer).sort()).to.deep.equal([
        "/data/buyer",
        "/data/items/0/cost",
        "/location/lon",
      ]);
      expect(found.map((field) => field.commitment).sort()).to.deep.equal(
        openings.map((opening) => opening.commitment).sort(),
      );
    });

    it("recognises only an object with exactly the commitment key and a 32-byte hash", () => {
      const commitment = computeCommitment(SALT_A, 1);
      expect(isSealedMarker({ "@commitment": commitment })).to.equal(true);
      expect(isSealedMarker({ "@commitment": commitment, extra: 1 })).to.equal(false);
      expect(isSealedMarker({ "@commitment": "0x12" })).to.equal(false);
      expect(isSealedMarker([commitment])).to.equal(false);
      expect(isSealedMarker(null)).to.equal(false);
    });
  });

  describe("JSON pointers", () => {
    it("round-trip keys with / and ~ (RFC 6901)", () => {
      const segments = ["data", "a/b", "c~d", "0"];
      expect(formatPointer(segments)).to.equal("/data/a~1b/c~0d/0");
      expect(parsePointer(formatPointer(segments))).to.deep.equal(segments);
    });
  });
});
