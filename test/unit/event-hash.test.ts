import { randomBytes } from "node:crypto";
import { expect } from "chai";
import { keccak256 as ethersKeccak256 } from "ethers";
import {
  canonicalEventJson,
  computeEventHash,
  ZERO_HASH,
} from "../../server/modules/ledger/domain/event-hash";
import { keccak256, keccakImplementation } from "../../server/platform/crypto/keccak";
import vectors from "../fixtures/event-hash-vectors.json";

interface Vector {
  name: string;
  body: unknown;
  canonical: string;
  hash: string;
}

/** Hand-checked RFC 8785 outputs with hashes from ethers (see the fixture). */
const VECTORS = vectors as Vector[];

const realisticBody = (): Record<string, unknown> =>
  structuredClone(VECTORS.find((vector) => vector.name.startsWith("realistic"))!.body) as Record<
    string,
    unknown
  >;

describe("event-hash", () => {
  it("has at least 8 test vectors", () => {
    expect(VECTORS.length).to.be.at.least(8);
  });

  describe("canonicalEventJson", () => {
    for (const vector of VECTORS) {
      it(`produces the RFC 8785 form: ${vector.name}`, () => {
        expect(canonicalEventJson(vector.body)).to.equal(vector.canonical);
      });
    }

    it("does not depend on the order in which keys were inserted", () => {
      expect(canonicalEventJson({ b: 1, a: { d: 2, c: 3 } })).to.equal(
        canonicalEventJson({ a: { c: 3, d: 2 }, b: 1 }),
      );
    });

    it("accepts objects without a prototype", () => {
      const body = Object.assign(Object.create(null) as object, { z: 1, a: 2 });
      expect(canonicalEventJson(body)).to.equal('{"a":2,"z":1}');
    });
  });

  describe("canonicalEventJson rejections", () => {
    const rejects = (body: unknown, message: string) =>
      expect(() => canonicalEventJson(body)).to.throw(TypeError, message);

    it("names the path of a non-finite number", () => {
      const body = realisticBody();
      (body.data as { results: { value: number }[] }).results[0].value = Number.NaN;
      rejects(body, "data.results[0].value is not a finite number");
      rejects({ a: [1, Infinity] }, "a[1] is not a finite number");
      rejects({ a: -Infinity }, "a is not a finite number");
    });

    it("refuses undefined inside objects and arrays instead of dropping or nulling it", () => {
      rejects({ data: { note: undefined } }, "data.note is undefined");
      rejects({ list: [1, undefined] }, "list[1] is undefined");
      // eslint-disable-next-line no-sparse-arrays
      rejects({ list: [1, , 3] }, "list[1] is undefined");
      rejects(undefined, "body is undefined");
    });

    it("refuses bigints, functions and symbols", () => {
      rejects({ quantity: 10n }, "quantity is a bigint");
      rejects({ toJSON: () => "x" }, "toJSON is a function");
      rejects({ tag: Symbol("x") }, "tag is a symbol");
    });

    it("refuses Dates and other class instances rather than converting them", () => {
      rejects(
        { eventTime: new Date(0) },
        "eventTime is a Date (pass an ISO 8601 string), not a plain object",
      );
      rejects({ tags: new Map() }, "tags is a Map, not a plain object");
      rejects({ raw: Buffer.from("ab") }, "raw is a Buffer, not a plain object");
    });

    it("quotes keys that are not identifiers in the path", () => {
      rejects(
        { "lab results": [{ "ppm-max": Number.NaN }] },
        '["lab results"][0]["ppm-max"] is not a finite',
      );
    });

    it("refuses strings and keys with lone UTF-16 surrogates", () => {
      rejects({ name: "tea\ud800" }, "name contains a lone UTF-16 surrogate");
      rejects({ data: { "\udc00": 1 } }, "data has a key with a lone UTF-16 surrogate");
    });

    it("refuses circular structures", () => {
      const body: Record<string, unknown> = { a: {} };
      (body.a as Record<string, unknown>).back = body;
      rejects(body, "a.back refers back to an enclosing object");
    });

    it("accepts the same object twice when it is not its own ancestor", () => {
      const shared = { unit: "kg" };
      expect(canonicalEventJson({ a: shared, b: [shared] })).to.equal(
        '{"a":{"unit":"kg"},"b":[{"unit":"kg"}]}',
      );
    });
  });

  describe("computeEventHash", () => {
    for (const vector of VECTORS) {
      it(`hashes the canonical UTF-8 bytes: ${vector.name}`, () => {
        expect(computeEventHash(vector.body)).to.equal(vector.hash);
      });
    }

    it("changes when the salt changes", () => {
      const body = realisticBody();
      const before = computeEventHash(body);
      body.salt = `0x${"11".repeat(32)}`;
      expect(computeEventHash(body)).to.not.equal(before);
    });

    it("refuses what canonicalEventJson refuses", () => {
      expect(() => computeEventHash({ n: Number.NaN })).to.throw(TypeError, "n is not a finite number");
    });
  });

  describe("ZERO_HASH", () => {
    it("is 32 zero bytes in 0x hex", () => {
      expect(ZERO_HASH).to.equal(`0x${"0".repeat(64)}`);
    });
  });
});

describe("keccak", () => {
  describe("keccak256", () => {
    it("matches ethers for lengths around the 136-byte rate boundary", () => {
      for (const length of [0, 1, 31, 32, 33, 64, 135, 136, 137, 271, 272, 273, 1000]) {
        const input = randomBytes(length);
        expect(`0x${Buffer.from(keccak256(input)).toString("hex")}`, `length ${length}`).to.equal(
          ethersKeccak256(input),
        );
      }
    });

    it("hashes a Uint8Array view with an offset, not its whole underlying buffer", () => {
      const backing = new Uint8Array(randomBytes(100));
      const view = backing.subarray(10, 74);
      expect(`0x${Buffer.from(keccak256(view)).toString("hex")}`).to.equal(ethersKeccak256(view));
    });

    it("gives independent results for consecutive calls", () => {
      const first = keccak256(Buffer.from("a"));
      const copy = Buffer.from(first);
      keccak256(Buffer.from("b"));
      expect(Buffer.from(first).equals(copy)).to.equal(true);
    });
  });

  describe("keccakImplementation", () => {
    it("uses the native add-on exactly when it loads", () => {
      let nativeLoads: boolean;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("keccak/bindings");
        nativeLoads = true;
      } catch {
        nativeLoads = false;
      }
      expect(keccakImplementation()).to.equal(nativeLoads ? "native" : "noble");
    });
  });
});
