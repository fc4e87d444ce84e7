/**
 * The live page's stylesheet: the report's look (colors, panels, tables, share bars) for the few
 * elements the page has, kept here so that live/ needs nothing of report/ and any server can
 * mount it.
 */
export const LIVE_STYLES = `
:root { color-scheme: light; --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --accent: #1d4ed8; --bad: #b91c1c; --good: #047857; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: #f8fafc; }
header, main { max-width: 1400px; margin: 0 auto; padding: 0 24px 24px; }
header { padding-top: 24px; padding-bottom: 0; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
.muted { color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 18px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; }
figcaption { color: #374151; font-size: 0.92rem; margin-top: 8px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 12px 0; overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.88rem; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; white-space: nowrap; }
thead th { background: #f1f5f9; }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; min-width: 16em; }
.share-bar { display: inline-block; height: 0.7em; background: var(--accent); vertical-align: baseline; }
.status { display: inline-block; padding: 1px 10px; border-radius: 10px; font-size: 0.85rem; background: #e5e7eb; }
.status.live { background: #d1fae5; color: var(--good); }
.status.reconnecting { background: #fee2e2; color: var(--bad); }
.numbers { display: flex; flex-wrap: wrap; gap: 12px 32px; margin: 8px 0; }
.numbers div { display: flex; flex-direction: column; }
.numbers b { font-size: 1.6rem; font-variant-numeric: tabular-nums; }
.numbers span { color: var(--muted); font-size: 0.85rem; }
svg.series { width: 100%; height: auto; display: block; }
svg.series .grid { stroke: var(--line); }
svg.series .axis { fill: var(--muted); font-size: 11px; }
svg.series .rps { fill: var(--accent); }
svg.series polyline { fill: none; stroke-width: 2; }
svg.series .p50 { stroke: var(--good); }
svg.series .p99 { stroke: var(--bad); }
svg.series .dot.p50 { fill: var(--good); stroke: none; }
svg.series .dot.p99 { fill: var(--bad); stroke: none; }
.legend .p50 { color: var(--good); }
.legend .p99 { color: var(--bad); }
`;
