import { expect } from "chai";
import type { BrandOverview } from "../../server/modules/brands/brand-overview";
import {
  brandPageView,
  renderBrandNotFound,
  renderBrandPage,
} from "../../server/modules/consumer/web/brand-page";

const ID = "0123456789abcdef01234567";

function overview(overrides: Partial<BrandOverview> = {}): BrandOverview {
  return {
    id: ID,
    name: { zh: "安吉白茶<script>", en: "Anji White Tea" },
    owner: { id: "a".repeat(24), name: "协会 & 合作社" },
    regionCodes: ["330523", "990000"],
    categories: ["tea", "matcha"],
    requiredSchemes: [{ code: "organic", name: { zh: "有机产品", en: "Organic product" } }],
    logo: null,
    licences: [
      {
        id: "b".repeat(24),
        brandId: ID,
        producerId: "c".repeat(24),
        producer: { id: "c".repeat(24), name: "满额茶场" },
        category: "tea",
        period: { from: "2026-03-01", until: "2026-12-31" },
        quota: { value: 100, unit: "KGM" },
        used: { value: 100, unit: "KGM" },
        remaining: { value: 0, unit: "KGM" },
        usedShare: 1,
        status: "active",
        statusChangedAt: "2026-03-01T00:00:00.000Z",
        statusEventId: null,
        createdAt: "2026-03-01T00:00:00.000Z",
      },
    ],
    producers: [{ id: "c".repeat(24), name: "满额茶场", certifications: [] }],
    register: { seq: 2, hash: `0x${"1".repeat(64)}`, eventId: "d".repeat(24), anchor: null, events: "x" },
    checkedAt: "2026-05-01T00:00:00.000Z",
    ...overrides,
  };
}

const LABELS = { issued: 24, scanned: 5, scans: 9, unknownScans: 2 };

describe("brand page", () => {
  describe("brandPageView", () => {
    it("names the province of each region it knows and leaves the others unnamed", () => {
      expect(brandPageView(overview(), LABELS).regions).to.deep.equal([
        { code: "330523", province: { zh: "浙江省", en: "Zhejiang" } },
        { code: "990000", province: null },
      ]);
    });
  });

  describe("renderBrandPage", () => {
    it("escapes every stored text", () => {
      const html = renderBrandPage(brandPageView(overview(), LABELS), "zh", `/brands/${ID}`);
      expect(html).to.not.include("<script>");
      expect(html).to.include("安吉白茶&#60;script&#62;").and.include("协会 &#38; 合作社");
    });

    it("says the register head is waiting for anchoring until it is anchored", () => {
      const html = renderBrandPage(brandPageView(overview(), LABELS), "zh", `/brands/${ID}`);
      expect(html).to.include('data-anchored="false">等待上链');
      expect(html).to.not.include("默克尔根");
    });

    it("shows brand-wide totals: licences, quota taken per unit, labels issued and scanned", () => {
      const html = renderBrandPage(brandPageView(overview(), LABELS), "zh", `/brands/${ID}`);
      const totals = /data-testid="totals">([\s\S]*?)<\/section>/.exec(html)![1];
      expect(totals)
        .to.include("已发放单品码</dt><dd>24")
        .and.include("被扫码的单品码</dt><dd>5 · 扫码次数 9");
      expect(totals).to.include("未登记单品码的扫码</dt><dd>2");
      expect(totals).to.match(/配额已用 \/ 总量<\/dt><dd>[\d.]+ 千克 \/ [\d.]+ 千克/);
    });

    it("labels every table header (no empty header cell)", () => {
      const html = renderBrandPage(brandPageView(overview(), LABELS), "zh", `/brands/${ID}`);
      expect(html).to.not.match(/<th><\/th>/);
      expect(html).to.include('<th><span class="sr-only">配额使用比例</span></th>');
    });

    it("marks a used-up quota, names uncategorised codes as they are and lists the missing required scheme", () => {
      const html = renderBrandPage(brandPageView(overview(), LABELS), "en", `/brands/${ID}`);
      expect(html).to.include('class="bar full"').and.include('style="width:100.0%"');
      expect(html).to.include("tea、matcha");
      expect(html).to.include("No valid certificate of required scheme: Organic product");
    });
  });

  describe("renderBrandNotFound", () => {
    it("speaks both languages, the chosen one first", () => {
      const zh = renderBrandNotFound("zh", "/brands/x");
      expect(zh.indexOf("未找到该品牌")).to.be.lessThan(zh.indexOf("No such brand"));
      const en = renderBrandNotFound("en", "/brands/x");
      expect(en.indexOf("No such brand")).to.be.lessThan(en.indexOf("未找到该品牌"));
      expect(en).to.include('<html lang="en">');
    });
  });
});
