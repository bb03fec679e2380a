import path from "node:path";
import { verdictText } from "../consumer";
import type { DemoSummary } from "./seed-demo";

/** The bilingual (zh-CN first) text `npm run demo` prints: consumer pages, brand page, files. */
export function formatDemoSummary(summary: DemoSummary): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const lines = [
    summary.seeded
      ? `演示数据已写入 / Demo data seeded (${seconds} s) at ${summary.baseUrl}`
      : `演示数据已存在，未重复写入 / The demo was seeded before; nothing was added (${summary.baseUrl})`,
    "",
    "消费者页面（扫码或直接打开） / Consumer pages (scan the QR codes or open the links):",
  ];
  for (const page of summary.pages) {
    const verdict = `${verdictText(page.expectedVerdict, "zh").title} / ${verdictText(page.expectedVerdict, "en").title}`;
    lines.push(`  [${verdict}] ${page.title.zh} / ${page.title.en}`, `    ${page.digitalLink}`);
  }
  if (summary.serial) {
    lines.push(
      "",
      "单品序列号（每包一码） / Item serial (one code per package):",
      `    ${summary.serial.digitalLink}`,
    );
  }
  if (summary.brand) {
    lines.push(
      "",
      `品牌页面 / Brand page: ${summary.brand.name}`,
      `    ${summary.brand.page}`,
      "品牌报告（浏览器打开，7 天内有效） / Brand report (opens in a browser for 7 days):",
      `    ${summary.brand.report}`,
    );
  }
  if (summary.files.length > 0) {
    lines.push("", `文件 / Files (${path.dirname(summary.files[0])}):`);
    for (const file of summary.files) lines.push(`    ${path.basename(file)}`);
  }
  return `${lines.join("\n")}\n`;
}
