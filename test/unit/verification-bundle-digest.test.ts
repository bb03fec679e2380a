import { expect } from "chai";
import { bundleDigest } from "../../server/modules/verification/examination-cache";
import type { ProofBundle } from "../../server/modules/verification/domain/proof-bundle";

/** A bundle with one event whose body holds `value` (only the fields the digest reads matter). */
function bundleWith(value: unknown, generatedAt = "2026-12-07T00:00:00.000Z"): ProofBundle {
  return {
    generatedAt,
    events: [
      {
        eventId: "e1",
        hash: "0x01",
        body: { batchId: "b1", seq: 2, data: { sampledAt: value } },
        anchor: null,
      },
    ],
  } as unknown as ProofBundle;
}

describe("verification: bundleDigest (examination-cache.ts)", () => {
  it("is the same for the same bundle generated at another time", () => {
    const iso = "2026-04-13T00:00:00.000Z";
    expect(bundleDigest(bundleWith(iso))).to.equal(bundleDigest(bundleWith(iso, "2030-01-01T00:00:00.000Z")));
  });

  it("differs when any stored value changes", () => {
    expect(bundleDigest(bundleWith("a"))).to.not.equal(bundleDigest(bundleWith("b")));
  });

  it("is null (never reused) when a value has no exact JSON form, e.g. a Date for its ISO string", () => {
    expect(bundleDigest(bundleWith(new Date("2026-04-13T00:00:00.000Z")))).to.equal(null);
    expect(bundleDigest(bundleWith(Number.NaN))).to.equal(null);
    expect(bundleDigest(bundleWith(undefined))).to.equal(null);
    expect(bundleDigest(bundleWith([{ at: new Date() }]))).to.equal(null);
    expect(bundleDigest(bundleWith([{ at: "now" }]))).to.be.a("string");
  });
});
