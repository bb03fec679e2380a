import { expect } from "chai";
import type { ReportBatch } from "../../server/modules/brand-reports/domain/brand-families";
import {
  batchLabels,
  claimsQuota,
  families,
  shippedQuantity,
} from "../../server/modules/brand-reports/domain/brand-families";
import {
  buildBrandReport,
  type BrandReportInput,
} from "../../server/modules/brand-reports/domain/brand-report";
import {
  type MovementEvent,
  type ReportLicence,
} from "../../server/modules/brand-reports/domain/brand-report-facts";

const FARM = "f".repeat(24);
const SHOP = "5".repeat(24);
const LICENCE = "1".repeat(24);
const KG = (value: number) => ({ value, unit: "KGM" });
const at = (iso: string) => new Date(iso);

function licence(overrides: Partial<ReportLicence> = {}): ReportLicence {
  return {
    id: LICENCE,
    producerId: FARM,
    producerName: "黄杜村茶叶合作社",
    category: "tea",
    period: { from: "2026-03-01", until: "2026-12-31" },
    status: "active",
    statusChangedAt: at("2026-03-01T00:00:00Z"),
    statusEventId: "e1",
    quota: KG(1000),
    used: 100,
    remaining: 900,
    ...overrides,
  };
}

function batch(id: string, overrides: Partial<ReportBatch> = {}): ReportBatch {
  return {
    id,
    lot: `LOT-${id.slice(0, 4)}`,
    gtin: "06901234567892",
    producerId: FARM,
    holderId: FARM,
    licenceId: LICENCE,
    quantity: KG(100),
    available: 100,
    inputs: [],
    ...overrides,
  };
}

function input(overrides: Partial<BrandReportInput> = {}): BrandReportInput {
  return {
    licences: [licence()],
    batches: [batch("a".repeat(24))],
    labels: [],
    transfers: [],
    movements: [],
    lateScans: [],
    unknownScans: [],
    registerEvents: [{ id: "e1", type: "licence_issued", licenceId: LICENCE }],
    ...overrides,
  };
}

const kinds = (report: ReturnType<typeof buildBrandReport>) => report.anomalies.map((item) => item.kind);

function movement(overrides: Partial<MovementEvent>): MovementEvent {
  return {
    id: "m1",
    batchId: "a".repeat(24),
    type: "shipping",
    actorId: FARM,
    eventTime: at("2026-05-01T00:00:00Z"),
    quantity: null,
    ...overrides,
  };
}

describe("brand report (domain)", () => {
  describe("buildBrandReport", () => {
    it("reports quota licensed, used, claimed and remaining per licence and no anomaly for consistent records", () => {
      const report = buildBrandReport(input());
      expect(report.anomalies).to.deep.equal([]);
      expect(report.countsByKind).to.deep.equal({
        quota_counter_mismatch: 0,
        labels_beyond_shipped: 0,
        unknown_serial_scans: 0,
        suspected_copy_serials: 0,
        fake_reports: 0,
        revoked_licence_selling: 0,
        unrecorded_licence_change: 0,
      });
      expect(report.licences[0]).to.deep.include({
        quota: KG(1000),
        used: KG(100),
        claimed: KG(100),
        remaining: KG(900),
        producer: { id: FARM, name: "黄杜村茶叶合作社" },
      });
      expect(report.licences[0].batches[0]).to.include({ claimsQuota: true, labels: 0 });
    });

    it("reports a counter above the claimed sum (the crash window) as medium and below it as high", () => {
      const above = buildBrandReport(input({ licences: [licence({ used: 107, remaining: 893 })] }));
      expect(above.anomalies).to.have.length(1);
      expect(above.anomalies[0]).to.deep.include({ kind: "quota_counter_mismatch", severity: "medium" });
      expect(above.anomalies[0].facts.difference).to.deep.equal(KG(7));
      expect(above.anomalies[0].message).to.include("107 KGM taken").and.include("hold 100 KGM");
      const below = buildBrandReport(input({ licences: [licence({ used: 60, remaining: 940 })] }));
      expect(below.anomalies[0]).to.deep.include({ kind: "quota_counter_mismatch", severity: "high" });
      const sum = buildBrandReport(input({ licences: [licence({ remaining: 950 })] }));
      expect(sum.anomalies[0].message).to.include("used 100 + remaining 950 is not the quota 1000 KGM");
    });

    it("sorts anomalies by severity, high first", () => {
      const report = buildBrandReport(
        input({
          licences: [licence({ statusEventId: null })],
          unknownScans: [
            {
              gtin: "06901234567892",
              lot: "X",
              batchId: null,
              scans: 3,
              requests: 3,
              serials: 3,
              clients: 3,
              firstAt: at("2026-05-01T00:00:00Z"),
              lastAt: at("2026-05-01T00:00:00Z"),
            },
          ],
        }),
      );
      expect(kinds(report)).to.deep.equal(["unknown_serial_scans", "unrecorded_licence_change"]);
    });

    it("rates never-issued serials scanned from one device low, however many requests it sent", () => {
      const oneDevice = {
        gtin: "06901234567892",
        lot: "X",
        batchId: null,
        scans: 1,
        requests: 1000,
        serials: 1,
        clients: 1,
        firstAt: at("2026-05-01T00:00:00Z"),
        lastAt: at("2026-05-01T00:10:00Z"),
      };
      const report = buildBrandReport(input({ unknownScans: [oneDevice] }));
      expect(report.anomalies[0]).to.deep.include({ kind: "unknown_serial_scans", severity: "low" });
    });
  });

  describe("claimsQuota and families", () => {
    const root = batch("a".repeat(24));
    const child = batch("b".repeat(24), { quantity: KG(40), inputs: [{ batchId: root.id, kind: "split" }] });
    const grandchild = batch("c".repeat(24), {
      quantity: KG(10),
      inputs: [{ batchId: child.id, kind: "split" }],
    });
    const tea = batch("d".repeat(24), { inputs: [{ batchId: root.id, kind: "transformation" }] });
    const blend = batch("e".repeat(24), {
      inputs: [
        { batchId: root.id, kind: "transformation" },
        { batchId: "9".repeat(24), kind: "transformation" },
      ],
    });
    const ids = new Set([root, child, grandchild, tea, blend].map((item) => item.id));

    it("counts harvests and outputs of non-brand inputs as claims, not split children or outputs of the brand's batches", () => {
      expect([root, child, grandchild, tea, blend].map((item) => claimsQuota(item, ids))).to.deep.equal([
        true,
        false,
        false,
        false,
        true,
      ]);
      const report = buildBrandReport(input({ batches: [root, child, grandchild, tea, blend] }));
      expect(report.licences[0].claimed).to.deep.equal(KG(200));
    });

    it("groups a batch with every batch split from it, recursively; a transformation output starts its own family", () => {
      const grouped = families([grandchild, tea, child, root]);
      expect(
        grouped.map((family) => [family.root.id, family.members.map((member) => member.id)]),
      ).to.deep.equal([
        [root.id, [root.id, grandchild.id, child.id]],
        [tea.id, [tea.id]],
      ]);
    });

    it("counts serials without an item quantity as one piece on pieces batches and nothing otherwise", () => {
      const pieces = batch("p".repeat(24), { quantity: { value: 50, unit: "H87" } });
      const totals = batchLabels(
        [root, pieces],
        [
          { batchId: root.id, itemValue: 0.25, count: 8 },
          { batchId: root.id, itemValue: null, count: 3 },
          { batchId: pieces.id, itemValue: null, count: 5 },
        ],
      );
      expect(totals.get(root.id)).to.deep.equal({ count: 11, quantity: 2 });
      expect(totals.get(pieces.id)).to.deep.equal({ count: 5, quantity: 5 });
    });

    it("counts as shipped the producer's pending and accepted transfers and its own sales, at most the root's quantity", () => {
      const family = { root, members: [root, child] };
      const transfers = [
        { batchId: child.id, fromId: FARM, quantity: KG(40), status: "accepted" },
        { batchId: root.id, fromId: FARM, quantity: KG(60), status: "rejected" },
        { batchId: child.id, fromId: SHOP, quantity: KG(40), status: "pending" },
      ];
      expect(shippedQuantity(family, { transfers, movements: [] })).to.equal(40);
      const sale = { batchId: root.id, type: "selling", actorId: FARM, quantity: KG(15) };
      expect(shippedQuantity(family, { transfers, movements: [sale] })).to.equal(55);
      const unstated = { ...sale, quantity: null };
      expect(shippedQuantity(family, { transfers, movements: [unstated] })).to.equal(100);
      const bySomeoneElse = { ...sale, actorId: SHOP };
      expect(shippedQuantity(family, { transfers, movements: [bySomeoneElse] })).to.equal(40);
      const pending = [
        ...transfers,
        { batchId: root.id, fromId: FARM, quantity: KG(100), status: "pending" },
      ];
      expect(shippedQuantity(family, { transfers: pending, movements: [] })).to.equal(100);
    });
  });

  describe("labels_beyond_shipped", () => {
    const root = batch("a".repeat(24), { available: 60 });
    const child = batch("b".repeat(24), {
      quantity: KG(40),
      available: 40,
      inputs: [{ batchId: root.id, kind: "split" }],
    });
    const labels = [
      { batchId: root.id, itemValue: 0.5, count: 10 },
      { batchId: child.id, itemValue: 0.25, count: 100 },
    ];

    it("is reported when a family's labels stand for more than has left the producer", () => {
      const transfers = [{ batchId: child.id, fromId: FARM, quantity: KG(25), status: "pending" as const }];
      const report = buildBrandReport(input({ batches: [root, child], labels, transfers }));
      expect(kinds(report)).to.deep.equal(["labels_beyond_shipped"]);
      const [anomaly] = report.anomalies;
      expect(anomaly.subject).to.deep.equal({ batchId: root.id, producerId: FARM, licenceId: LICENCE });
      expect(anomaly.facts).to.deep.include({ labelled: KG(30), shipped: KG(25), excess: KG(5) });
      expect(anomaly.message).to.equal(
        `batch ${root.lot} and the batch split from it carry labels for 30 KGM but only 25 KGM has left the producer`,
      );
    });

    it("is not reported when the labelled quantity has left, or nothing is labelled", () => {
      const transfers = [{ batchId: child.id, fromId: FARM, quantity: KG(30), status: "accepted" as const }];
      expect(buildBrandReport(input({ batches: [root, child], labels, transfers })).anomalies).to.deep.equal(
        [],
      );
      expect(buildBrandReport(input({ batches: [root, child] })).anomalies).to.deep.equal([]);
    });
  });

  describe("revoked_licence_selling", () => {
    const revoked = licence({
      status: "revoked",
      statusChangedAt: at("2026-06-01T00:00:00Z"),
      statusEventId: "e2",
    });
    const registerEvents = [{ id: "e2", type: "licence_revoked", licenceId: LICENCE }];

    it("reports movements after the licence was revoked, naming the events, and not those before", () => {
      const movements = [
        movement({ id: "before", eventTime: at("2026-05-31T23:59:59Z") }),
        movement({ id: "after", type: "selling", eventTime: at("2026-06-02T00:00:00Z") }),
      ];
      const report = buildBrandReport(input({ licences: [revoked], registerEvents, movements }));
      expect(kinds(report)).to.deep.equal(["revoked_licence_selling"]);
      expect(report.anomalies[0]).to.deep.include({ severity: "high" });
      expect(report.anomalies[0].subject.eventIds).to.deep.equal(["after"]);
      expect(report.anomalies[0].message)
        .to.include("1 selling events")
        .and.include("was revoked on 2026-06-01");
    });

    it("reports consumer scans after a suspension as medium, and nothing for active licences", () => {
      const suspended = licence({ ...revoked, status: "suspended" });
      const lateScans = [
        {
          batchId: "a".repeat(24),
          scans: 4,
          firstAt: at("2026-06-03T00:00:00Z"),
          lastAt: at("2026-06-04T00:00:00Z"),
        },
      ];
      const report = buildBrandReport(
        input({
          licences: [suspended],
          registerEvents: [{ id: "e2", type: "licence_suspended", licenceId: LICENCE }],
          lateScans,
        }),
      );
      expect(report.anomalies.map((item) => [item.kind, item.severity, item.facts.scans])).to.deep.equal([
        ["revoked_licence_selling", "medium", 4],
      ]);
      const movements = [movement({ eventTime: at("2026-06-02T00:00:00Z") })];
      expect(buildBrandReport(input({ movements, lateScans })).anomalies).to.deep.equal([]);
    });
  });

  describe("unrecorded_licence_change", () => {
    const cases: [string, Partial<ReportLicence>, string | null][] = [
      ["no event id", { statusEventId: null }, "has no register event id"],
      [
        "an id not on the register",
        { statusEventId: "zz" },
        "names event zz, which is not on the brand's register",
      ],
      ["an event of another licence", { statusEventId: "other" }, "which is about another licence"],
      [
        "an older change",
        { status: "revoked", statusEventId: "e1" },
        "(licence_issued), which cannot have made it revoked",
      ],
      ["the issuing event of an active licence", {}, null],
      ["a reinstatement of an active licence", { statusEventId: "e3" }, null],
    ];
    for (const [name, overrides, problem] of cases) {
      it(`${problem ? "reports" : "does not report"} a licence whose status names ${name}`, () => {
        const report = buildBrandReport(
          input({
            licences: [licence(overrides)],
            registerEvents: [
              { id: "e1", type: "licence_issued", licenceId: LICENCE },
              { id: "other", type: "licence_issued", licenceId: "2".repeat(24) },
              { id: "e3", type: "licence_reinstated", licenceId: LICENCE },
            ],
          }),
        );
        if (problem === null) return expect(report.anomalies).to.deep.equal([]);
        expect(kinds(report)).to.deep.equal(["unrecorded_licence_change"]);
        expect(report.anomalies[0].message).to.include(problem);
      });
    }
  });
});
