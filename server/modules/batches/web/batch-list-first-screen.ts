import { escapeHtml as e } from "../../../platform/web/html";
import type { batchView } from "../batch-view";

type BatchView = ReturnType<typeof batchView>;

/**
 * The console's words for what the first screen shows (zh-CN, the console's first language): the
 * same as console/src/i18n/messages.zh.ts and console/src/domain/units.ts, which a unit test
 * compares them with.
 */
export const FIRST_SCREEN_WORDS = {
  title: "我的批次",
  appTitle: "EcoTrace 溯源控制台",
  empty: "还没有批次",
  open: "查看",
  transferPending: "交接待确认",
  status: {
    active: "在库",
    in_transit: "运输中",
    consumed: "已加工",
    recalled: "已召回",
    destroyed: "已销毁",
    sold: "已售出",
  } as Record<string, string>,
  units: { KGM: "千克", TNE: "吨", GRM: "克", LTR: "升", H87: "件" } as Record<string, string>,
};

const STYLE = `#first-screen{font:14px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;color:rgba(0,0,0,.88);max-width:960px;margin:0 auto;padding:0 16px}
#first-screen header{font-weight:600;padding:14px 0;border-bottom:1px solid #f0f0f0}
#first-screen h1{font-size:24px;margin:16px 0}
#first-screen ul{list-style:none;margin:0;padding:0}
#first-screen li{display:flex;justify-content:space-between;gap:12px;padding:12px 0;border-bottom:1px solid #f0f0f0}
#first-screen .title{font-weight:600}
#first-screen .meta{color:rgba(0,0,0,.68);display:flex;flex-wrap:wrap;gap:4px 8px}
#first-screen .tag{border:1px solid #d9d9d9;border-radius:4px;padding:0 6px;font-size:12px}
#first-screen a{color:#1d6b21}
#first-screen+#root{display:none}`;

/**
 * The producer's first screen (their batch list, in Chinese) as HTML for the console's index.html,
 * so that a phone on a slow network sees it with the page itself; the React app replaces it when
 * its own screen is ready (console/src/main.tsx). Shows `GET /api/batches` as the API answers it.
 */
export function renderBatchListFirstScreen(items: readonly BatchView[], nonce: string): string {
  const words = FIRST_SCREEN_WORDS;
  const rows = [...items]
    .reverse()
    .map(
      (batch) => `<li><div><div class="title">${e(`${batch.product.name} · ${batch.lot ?? ""}`)}</div>
<div class="meta"><span>${e(quantityText(batch.quantity))}</span><span>${e(batch.origin.place)}</span><span>${e(batch.origin.harvestedAt)}</span><span class="tag">${e(words.status[batch.status] ?? batch.status)}</span>${batch.pendingTransferId ? `<span class="tag">${e(words.transferPending)}</span>` : ""}</div></div>
<a href="/console/batches/${e(batch.id)}">${e(words.open)}</a></li>`,
    )
    .join("\n");
  return `<style nonce="${e(nonce)}">${STYLE}</style>
<div id="first-screen" data-testid="first-screen">
<header>${e(words.appTitle)}</header>
<h1>${e(words.title)}</h1>
${rows ? `<ul>${rows}</ul>` : `<p>${e(words.empty)}</p>`}
</div>`;
}

/** "600 千克" (a sealed quantity, which is not a number, shows nothing). */
function quantityText(quantity: unknown): string {
  const { value, unit } = (quantity ?? {}) as { value?: unknown; unit?: unknown };
  if (typeof value !== "number" || typeof unit !== "string") return "";
  return `${value.toLocaleString("zh-CN")} ${FIRST_SCREEN_WORDS.units[unit] ?? unit}`;
}
