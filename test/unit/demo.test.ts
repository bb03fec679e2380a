import { expect } from "chai";
import { ConfigError, loadConfig } from "../../server/main/config";
import { draftToMessage } from "../../server/modules/certifications/domain/certification-draft";
import { DEMO_TEAS, demoDataset, demoSeason } from "../../server/modules/demo/demo-dataset";
import { type HarvestKey, type TeaKey } from "../../server/modules/demo/demo-timeline";
import { chinaTime } from "../../server/modules/demo/demo-timeline";
import { formatDemoSummary } from "../../server/modules/demo/demo-summary";
import { shouldSeedDemo } from "../../server/modules/demo/first-start-seed";
import type { DemoSummary } from "../../server/modules/demo/seed-demo";

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const DAY_MS = 86_400_000;

describe("demo seed", () => {
  describe("shouldSeedDemo", () => {
    it("seeds only when DEMO_SEED is on and no organization but the bootstrapped admin exists", () => {
      expect(shouldSeedDemo({ enabled: true, organizations: 1 })).to.equal(true);
      expect(shouldSeedDemo({ enabled: true, organizations: 0 })).to.equal(true);
      expect(shouldSeedDemo({ enabled: true, organizations: 2 })).to.equal(false);
      expect(shouldSeedDemo({ enabled: false, organizations: 1 })).to.equal(false);
    });
  });

  describe("DEMO_SEED configuration", () => {
    it("defaults to on with the embedded database and off with MONGODB_URI", () => {
      expect(loadConfig({}).DEMO_SEED).to.equal(true);
      expect(loadConfig({ MONGODB_URI: "mongodb://db.example:27017/ecotrace" }).DEMO_SEED).to.equal(false);
    });

    it("follows an explicit value either way and refuses anything but true or false", () => {
      expect(loadConfig({ DEMO_SEED: "false" }).DEMO_SEED).to.equal(false);
      expect(loadConfig({ DEMO_SEED: "true", MONGODB_URI: "mongodb://db.example/x" }).DEMO_SEED).to.equal(
        true,
      );
      expect(() => loadConfig({ DEMO_SEED: "yes" }))
        .to.throw(ConfigError)
        .with.property("message")
        .that.matches(/DEMO_SEED: .*demo dataset/);
    });
  });

  describe("demoSeason", () => {
    it("is the year of the latest spring harvest that is over (the season ends with May, China time)", () => {
      expect(demoSeason(new Date("2026-12-01T12:00:00Z"))).to.equal(2026);
      expect(demoSeason(new Date("2027-03-15T00:00:00Z"))).to.equal(2026);
      expect(demoSeason(new Date("2027-05-31T23:59:00+08:00"))).to.equal(2026);
      expect(demoSeason(new Date("2027-06-01T00:00:00+08:00"))).to.equal(2027);
    });
  });

  describe("demoDataset", () => {
    // The day a season starts, its last day, and days in between: the data must hold on each.
    const nows = [
      "2026-06-01T00:00:00+08:00",
      "2026-12-01T12:00:00Z",
      "2027-02-28T00:00:00Z",
      "2027-05-31T23:00:00+08:00",
    ];

    it("keeps every certification valid today and covering every harvest of its producer", () => {
      for (const iso of nows) {
        const data = demoDataset(new Date(iso));
        const now = seconds(iso);
        for (const [key, { producer, ...draft }] of Object.entries(data.certifications)) {
          const message = draftToMessage(
            { ...draft, subject: { kind: "producer", id: "0".repeat(24) } },
            "0x" + "1".repeat(40),
            "0x" + "2".repeat(64),
          );
          expect(message.validFrom, `${key} at ${iso}`).to.be.at.most(now);
          expect(message.validUntil, `${key} at ${iso}`).to.be.above(now);
          expect(message.issuedAt).to.be.at.most(message.validFrom);
          for (const harvest of Object.values(data.harvests).filter((item) => item.producer === producer)) {
            const harvested = seconds(harvest.origin.harvestedAt);
            expect(harvested, `${key} covers ${harvest.lot}`).to.be.within(
              message.validFrom,
              message.validUntil,
            );
          }
        }
      }
    });

    it("dates every harvest in the past and inside the brand licence period (March to December)", () => {
      for (const iso of nows) {
        const data = demoDataset(new Date(iso));
        for (const harvest of Object.values(data.harvests)) {
          expect(seconds(harvest.origin.harvestedAt)).to.be.below(seconds(iso));
          expect(
            harvest.origin.harvestedAt >= data.date(3, 1) && harvest.origin.harvestedAt <= data.date(12, 31),
          ).to.equal(true);
        }
      }
    });

    /** Every instant of one finished lot's journey, in the order the seed records them. */
    const journeyOf = (data: ReturnType<typeof demoDataset>, key: TeaKey) => {
      const harvest = data.timeline.harvests[DEMO_TEAS[key].from];
      const tea = data.timeline.teas[key];
      const out = tea.distributed;
      return [
        harvest.registered,
        harvest.inspected,
        harvest.delivered.shipped,
        harvest.delivered.received,
        tea.processed,
        tea.inspected,
        ...(tea.stored ? [tea.stored] : []),
        ...(tea.recalled ? [tea.recalled] : []),
        ...(out
          ? [
              out.toLogistics.shipped,
              out.toLogistics.received,
              out.toRetailer.shipped,
              out.toRetailer.received,
              out.sold,
            ]
          : []),
      ];
    };

    it("times each lot's journey in China Standard Time, in order, from its harvest day to May, before now", () => {
      for (const iso of nows) {
        const data = demoDataset(new Date(iso));
        for (const key of Object.keys(DEMO_TEAS) as TeaKey[]) {
          const times = journeyOf(data, key);
          const harvestDay = data.harvests[DEMO_TEAS[key].from].origin.harvestedAt;
          for (const time of times)
            expect(time, `${key} at ${iso}`).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+08:00$/);
          const instants = times.map((time) => Date.parse(time));
          expect(instants, `${key} at ${iso}`).to.deep.equal([...instants].sort((a, b) => a - b));
          expect(new Set(instants).size, `${key}: no two steps at one instant`).to.equal(instants.length);
          expect(instants[0]).to.be.at.least(Date.parse(`${harvestDay}T00:00:00+08:00`));
          expect(instants.at(-1)!, `${key} at ${iso}`).to.be.below(Date.parse(iso));
          expect(instants.at(-1)!).to.be.below(Date.parse(`${data.year}-06-01T00:00:00+08:00`));
        }
      }
    });

    it("registers a harvest the day it is picked and inspects it the next; recalls the failed lot after its inspection; sells in May", () => {
      const data = demoDataset(new Date("2026-12-01T12:00:00Z"));
      for (const key of Object.keys(data.harvests) as HarvestKey[]) {
        const harvestDay = data.harvests[key].origin.harvestedAt;
        const times = data.timeline.harvests[key];
        expect(times.registered.slice(0, 10), key).to.equal(harvestDay);
        expect(Date.parse(times.inspected.slice(0, 10)) - Date.parse(harvestDay), key).to.equal(DAY_MS);
      }
      const { mingqianTea, daxiTea, yuqianTea } = data.timeline.teas;
      expect(yuqianTea.distributed, "a recalled lot never leaves the factory").to.equal(null);
      expect(Date.parse(yuqianTea.recalled!)).to.be.above(Date.parse(yuqianTea.inspected));
      expect([mingqianTea.recalled, daxiTea.recalled]).to.deep.equal([null, null]);
      for (const sold of [mingqianTea.distributed!.sold, daxiTea.distributed!.sold]) {
        expect(sold.slice(0, 7)).to.equal("2026-05");
      }
    });

    it("counts days across month ends in China Standard Time (chinaTime)", () => {
      expect(chinaTime("2026-03-31", "10:00", 1)).to.equal("2026-04-01T10:00:00+08:00");
      expect(chinaTime("2026-04-30", "23:30", 2)).to.equal("2026-05-02T23:30:00+08:00");
      expect(Date.parse(chinaTime("2026-04-14", "17:30"))).to.equal(Date.parse("2026-04-14T09:30:00Z"));
      expect(() => chinaTime("2026-04", "17:30")).to.throw(/not a date and time/);
    });
  });

  describe("formatDemoSummary", () => {
    const summary: DemoSummary = {
      seeded: true,
      baseUrl: "http://127.0.0.1:3000",
      pages: [
        {
          key: "yuqianTea",
          title: { zh: "雨前二级：水分超标，已召回", en: "Yuqian second grade: recalled" },
          expectedVerdict: "recalled",
          batchId: "a".repeat(24),
          publicId: "A".repeat(22),
          lot: "AJ2026YQ02",
          digitalLink: "http://127.0.0.1:3000/01/06923456700031/10/AJ2026YQ02",
        },
      ],
      serial: null,
      brand: {
        id: "b".repeat(24),
        name: "安吉白茶 / Anji White Tea",
        page: "http://127.0.0.1:3000/brands/bbb",
        report: "http://127.0.0.1:3000/api/brands/bbb/report",
      },
      files: ["/srv/data/demo/qr-yuqianTea.png"],
      durationMs: 1234,
    };

    it("puts Chinese first, then English, and prints every link and file", () => {
      const text = formatDemoSummary(summary);
      expect(text).to.include("演示数据已写入 / Demo data seeded (1.2 s)");
      expect(text).to.include(
        "[已召回 / Recalled] 雨前二级：水分超标，已召回 / Yuqian second grade: recalled",
      );
      expect(text).to.include("    http://127.0.0.1:3000/01/06923456700031/10/AJ2026YQ02");
      expect(text).to.include(
        "品牌页面 / Brand page: 安吉白茶 / Anji White Tea\n    http://127.0.0.1:3000/brands/bbb",
      );
      expect(text).to.include(
        "Brand report (opens in a browser for 7 days):\n    http://127.0.0.1:3000/api/brands/bbb/report",
      );
      expect(text).to.include("文件 / Files (/srv/data/demo):\n    qr-yuqianTea.png");
    });

    it("says so when the demo was there already", () => {
      expect(formatDemoSummary({ ...summary, seeded: false })).to.include("演示数据已存在，未重复写入");
    });
  });
});
