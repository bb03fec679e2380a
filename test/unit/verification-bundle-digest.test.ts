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

  it("differs when a value keeps its JSON text but changes type (a Date for its ISO string, NaN for null)", () => {
    const iso = "2026-04-13T00:00:00.000Z";
    expect(bundleDigest(bundleWith(new Date(iso)))).to.not.equal(bundleDigest(bundleWith(iso)));
    expect(bundleDigest(bundleWith(Number.NaN))).to.not.equal(bundleDigest(bundleWith(null)));
    expect(bundleDigest(bundleWith(undefined))).to.not.equal(bundleDigest(bundleWith("\u0000undefined")));
    const withoutKey = bundleWith(null);
    delete (withoutKey.events[0].body.data as Record<string, unknown>).sampledAt;
    expect(bundleDigest(bundleWith(undefined))).to.not.equal(bundleDigest(withoutKey));
  });
});
