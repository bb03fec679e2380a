import { expect } from "chai";
import {
  checkEventContent,
  checkLedgerLinks,
  type AuditedEvent,
} from "../../server/modules/audit/domain/audit";
import { buildBrandEventBody } from "../../server/modules/brands/domain/brand-event-body";
import { buildEventBody } from "../../server/modules/ledger/domain/event-body";
import { computeEventHash, ZERO_HASH } from "../../server/modules/ledger/domain/event-hash";

const BRAND = "65f0000000000000000000b1";
const link = (seq: number, prevHash: string) => ({
  seq,
  prevHash,
  salt: `0x${"cd".repeat(32)}`,
  recordTime: "2026-03-01T00:00:00.000Z",
  actor: "owner",
});

function audited(id: string, seq: number, body: Record<string, unknown>): AuditedEvent {
  return {
    id,
    batchId: BRAND,
    seq,
    type: String(body.type),
    eventTime: new Date(String(body.eventTime)),
    hash: computeEventHash(body),
    body,
    anchor: null,
  };
}

/** A licence register: brand_registered, then licence_issued. */
function register(): AuditedEvent[] {
  const first = buildBrandEventBody(
    { type: "brand_registered", eventTime: "2026-03-01T00:00:00.000Z", data: { owner: "owner" } },
    { subjectId: BRAND, ...link(1, ZERO_HASH) },
  ) as unknown as Record<string, unknown>;
  const registered = audited("r1", 1, first);
  const second = buildBrandEventBody(
    { type: "licence_issued", eventTime: "2026-03-02T00:00:00.000Z", data: { licenceId: "l1" } },
    { subjectId: BRAND, ...link(2, registered.hash) },
  ) as unknown as Record<string, unknown>;
  return [registered, audited("r2", 2, second)];
}

const kinds = (findings: { kind: string; eventId?: string; seq?: number }[]) =>
  findings.map((finding) => `${finding.kind}@${finding.eventId ?? finding.seq}`).sort();

describe("audit checks on a brand's licence register", () => {
  it("passes an untouched register whose bodies name the brand in brandId", () => {
    const events = register();
    expect(checkLedgerLinks(BRAND, events, 2, "brand")).to.deep.equal([]);
    for (const event of events) expect(checkEventContent(event, "brand").findings).to.deep.equal([]);
  });

  it("is decided by the caller: a register audited as a batch chain is foreign to it", () => {
    const events = register();
    expect(kinds(checkLedgerLinks(BRAND, events, 2))).to.deep.equal(["inserted@r1", "inserted@r2"]);
    expect(kinds(checkEventContent(events[0]).findings)).to.deep.equal(["stored_field_mismatch@r1"]);
  });

  it("names a batch event slipped into the register as inserted, even with a valid hash and link", () => {
    const events = register();
    const forged = buildEventBody(
      { type: "inspecting", eventTime: "2026-03-03T00:00:00.000Z", bizStep: "inspecting", data: {} },
      { batchId: BRAND, ...link(3, events[1].hash) },
    ) as unknown as Record<string, unknown>;
    const slipped = audited("x3", 3, forged);
    expect(kinds(checkLedgerLinks(BRAND, [...events, slipped], 3, "brand"))).to.deep.equal(["inserted@x3"]);
    expect(kinds(checkEventContent(slipped, "brand").findings)).to.deep.equal(["stored_field_mismatch@x3"]);
  });

  it("names a register event deleted from the end against the brand's head", () => {
    const [first] = register();
    const findings = checkLedgerLinks(BRAND, [first], 2, "brand");
    expect(kinds(findings)).to.deep.equal(["missing_event@2"]);
    expect(findings[0].detail).to.equal("the brand head is at seq 2 but no event with seq 2 is stored");
  });
});
