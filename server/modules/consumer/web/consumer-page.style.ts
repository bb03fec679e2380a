/**
 * The only stylesheet of the public pages (consumer page, brand page), inlined. System font stacks (PingFang / Noto Sans CJK /
 * Microsoft YaHei for Chinese): no font file is loaded.
 */
export const PAGE_STYLE = `
:root{--ink:#1d2a24;--muted:#56645d;--line:#dfe6e2;--bg:#f6f8f7;--ok:#17683f;--warn:#8a5300;--bad:#b3261e;--revoked:#6b3fa0;--copy:#9a3b00;--tampered:#7a1212;--info:#2b5cab}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.55 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,sans-serif}
main{max-width:680px;margin:0 auto;padding:12px 14px 32px}
h1{font-size:1.45rem;margin:.2em 0 .4em}
h2{font-size:1.1rem;margin:0 0 .5em}
section,header{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px;margin:12px 0}
.lang{text-align:right;font-size:.9rem}
a{color:var(--info)}
.facts{margin:0;display:grid;grid-template-columns:1fr;gap:4px}
.facts div{display:flex;gap:8px}
.facts dt{color:var(--muted);min-width:6.5em;flex:none}
.facts dd{margin:0;overflow-wrap:anywhere}
.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem}
.verdict{border-width:2px;color:#fff}
.verdict h2{font-size:1.5rem;margin:0}
.verdict p{margin:.3em 0 0}
.verdict-verified{background:var(--ok);border-color:var(--ok)}
.verdict-pending{background:var(--info);border-color:var(--info)}
.verdict-recalled,.verdict-unknown{background:var(--bad);border-color:var(--bad)}
.verdict-tampered{background:var(--tampered);border-color:var(--tampered)}
.verdict-revoked{background:var(--revoked);border-color:var(--revoked)}
.verdict-suspected-copy{background:var(--copy);border-color:var(--copy)}
.verdict-expired{background:var(--warn);border-color:var(--warn)}
.verdict a{color:#fff}
.banner-facts{margin:.6em 0 0;display:grid;gap:3px;font-size:.92rem}
.banner-facts div{display:flex;gap:8px}
.banner-facts dt{min-width:6em;flex:none;opacity:.9}
.banner-facts dd{margin:0;overflow-wrap:anywhere}
.banner-facts [data-testid=todo] dd{font-weight:600}
.report-fake{margin:.7em 0 0;display:flex;flex-wrap:wrap;gap:6px;align-items:center;font-size:.9rem}
.share-region{font-size:.9rem}
.share-region p{margin:.4em 0}
.share-region form{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.share-region button,.share-region select{font:inherit;padding:6px 10px;border-radius:6px;border:1px solid var(--line);background:#fff;color:var(--ink)}
.share-region [data-testid=share-location]{background:var(--info);border-color:var(--info);color:#fff}
.share-region output{display:block;margin:.3em 0;font-weight:600}
.report-fake select,.report-fake button{font:inherit;padding:4px 8px;border-radius:6px;border:1px solid #fff;background:#fff;color:var(--ink)}
.recall{background:rgba(255,255,255,.15);padding:8px;border-radius:8px}
.timeline{list-style:none;margin:0;padding:0 0 0 14px;border-left:3px solid var(--line)}
.event{position:relative;margin:0 0 14px;padding-left:10px}
.event::before{content:"";position:absolute;left:-22px;top:6px;width:12px;height:12px;border-radius:50%;background:var(--ok);border:2px solid #fff}
.event.alert::before{background:var(--bad)}
.when{color:var(--muted);font-size:.85rem}
.who{font-size:.92rem}
.disposition{font-size:.8rem;color:var(--muted)}
.pending-tag,.input-tag{font-size:.75rem;border:1px solid var(--line);border-radius:6px;padding:0 5px;color:var(--muted)}
.results{margin:4px 0 0;padding-left:18px;font-size:.9rem}
.results .good{color:var(--ok)}
.results .bad{color:var(--bad);font-weight:600}
.details{margin:4px 0 0;font-size:.85rem;color:var(--muted)}
.details div{display:flex;gap:6px}
.details dd{margin:0}
.hidden{color:var(--muted);font-style:italic}
.certs,.anchors,.checks,.licences{list-style:none;margin:0;padding:0}
.cert,.check,.anchors li,.licence{padding:8px 0;border-top:1px solid var(--line)}
.cert:first-child,.check:first-child,.anchors li:first-child,.licence:first-child{border-top:0}
.badge{display:inline-block;font-size:.78rem;border-radius:6px;padding:0 6px;background:var(--line)}
.cert-valid .badge,.check-pass .badge,.licence-active .badge{background:#e3f4ea;color:var(--ok)}
.cert-revoked .badge,.cert-suspended .badge,.cert-not_issued .badge,.check-fail .badge,.licence-revoked .badge{background:#fdecea;color:var(--bad)}
.cert-expired .badge,.cert-not_yet_valid .badge,.check-warn .badge,.licence-suspended .badge{background:#fff3dc;color:var(--warn)}
.licence-warning{background:#fff3dc;border:2px solid var(--warn);color:var(--warn)}
.licence-warning p{margin:.3em 0 0;color:var(--ink)}
.rows{border-collapse:collapse;width:100%}
.rows thead{display:none}
.rows,.rows tbody,.rows tr,.rows td{display:block}
.rows tr{padding:8px 0;border-top:1px solid var(--line)}
.rows tr:first-child{border-top:0}
.rows td{padding:2px 0}
.rows td.num{display:inline-block;margin-right:14px;white-space:nowrap}
.rows td[data-label]::before{content:attr(data-label) " ";color:var(--muted);font-size:.85rem}
.bar{display:block;height:8px;min-width:64px;margin-top:4px;background:var(--line);border-radius:4px;overflow:hidden}
.bar span{display:block;height:100%;background:var(--ok)}
.bar.full span{background:var(--warn)}
.subtitle{color:var(--muted);margin:-.3em 0 .4em}
.check-pending .badge,.cert-unreachable .badge{background:#e5edfa;color:var(--info)}
.muted{color:var(--muted);font-size:.85rem;overflow-wrap:anywhere}
.pending-note{color:var(--info)}
.map{margin:8px 0 0;display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}
.map svg{width:150px;height:auto;display:block}
.head{display:flex;gap:10px;align-items:flex-start}
.head .facts{flex:1;min-width:0}
.map.china{margin:0;flex:none}
.map.china svg{width:84px}
.head .facts dt{min-width:4.5em}
.map path{fill:#e4ebe7;stroke:#a9b8b0;stroke-width:.6;stroke-linejoin:round}
.map path.here{fill:#8cc5a5;stroke:var(--ok)}
.map .pin{fill:var(--bad);stroke:#fff;stroke-width:1}
.map figcaption{flex-basis:100%;font-size:.78rem;color:var(--muted)}
.proof{background:#fff;border:1px solid var(--line);border-radius:12px;padding:10px 14px;margin:12px 0}
.proof summary{cursor:pointer;color:var(--info);font-weight:600}
.proof h3{font-size:1rem;margin:.8em 0 .4em}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{font-size:.85rem;color:var(--muted);text-align:center}
@media (min-width:600px){.facts dt{min-width:8em}
.rows{display:table;font-size:.9rem}.rows thead{display:table-header-group}.rows tbody{display:table-row-group}
.rows tr{display:table-row}.rows th,.rows td{display:table-cell;text-align:left;padding:6px 4px;border-top:1px solid var(--line);vertical-align:top}
.rows th{color:var(--muted);font-weight:600;border-top:0;white-space:nowrap}.rows td.num{text-align:right}
.rows td.num{display:table-cell}
.rows td[data-label]::before{content:none}.rows .bar{margin-top:6px}}
`;
