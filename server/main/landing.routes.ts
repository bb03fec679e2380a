import { Router } from "express";
import { pickLanguage, renderDocument, type Lang } from "../modules/consumer";
import { readDemoSummary } from "../modules/demo";
import { PAGE_CSP, escapeHtml as e } from "../platform/web/html";

/**
 * `GET /`: the landing page a newcomer opens after `npm start` (zh-CN first, English): the demo's
 * consumer, brand and report pages when the demo was seeded into this data directory, the console
 * and the API docs.
 */
export function landingRoutes(dataDir: string): Router {
  const router = Router();
  router.get("/", (req, res) => {
    const lang = pickLanguage(req.query.lang, req.get("accept-language"));
    res.setHeader("content-security-policy", PAGE_CSP);
    res.setHeader("content-language", lang === "zh" ? "zh-CN" : "en");
    res.setHeader("cache-control", "no-store");
    res.type("html").send(renderLanding(readDemoSummary(dataDir), lang));
  });
  return router;
}

const TEXT = {
  title: { zh: "EcoTrace 生态产品溯源", en: "EcoTrace eco-product traceability" },
  intro: {
    zh: "区块链锚定的生态产品溯源服务：扫码查看产地、历程、证书和真实的核验结论。",
    en: "Blockchain-anchored traceability for eco-products: scan a code to see origin, journey, certificates and an honest verdict.",
  },
  demo: { zh: "演示页面", en: "Demo pages" },
  noDemo: {
    zh: "此数据目录中没有演示数据（首次以空数据库启动且 DEMO_SEED 未关闭时自动写入）。",
    en: "No demo data in this data directory (it is seeded on a first start with an empty database unless DEMO_SEED=false).",
  },
  brand: { zh: "品牌页面", en: "Brand page" },
  report: { zh: "品牌报告（签名链接）", en: "Brand report (signed link)" },
  item: { zh: "单品码页面", en: "Item label page" },
  tools: { zh: "工具", en: "Tools" },
  console: { zh: "控制台", en: "Console" },
  docs: { zh: "API 文档", en: "API docs" },
} as const;

function renderLanding(demo: ReturnType<typeof readDemoSummary>, lang: Lang): string {
  const t = (key: keyof typeof TEXT) => TEXT[key][lang];
  const link = (href: string, text: string) => `<li><a href="${e(href)}">${e(text)}</a></li>`;
  const local = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  };
  const demoLinks = demo
    ? [
        ...demo.pages.map((page) => link(local(page.digitalLink), page.title[lang])),
        ...(demo.serial ? [link(local(demo.serial.digitalLink), t("item"))] : []),
        ...(demo.brand
          ? [link(local(demo.brand.page), t("brand")), link(local(demo.brand.report), t("report"))]
          : []),
      ].join("")
    : "";
  return renderDocument({
    lang,
    title: t("title"),
    selfPath: "/",
    body: `<header><h1>${e(t("title"))}</h1><p>${e(t("intro"))}</p></header>
<section data-testid="demo-pages"><h2>${e(t("demo"))}</h2>${demoLinks ? `<ul>${demoLinks}</ul>` : `<p class="muted">${e(t("noDemo"))}</p>`}</section>
<section data-testid="tools"><h2>${e(t("tools"))}</h2><ul>${link("/console", t("console"))}${link("/docs", t("docs"))}${link("/openapi.json", "OpenAPI")}</ul></section>`,
  });
}
