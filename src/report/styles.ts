/** The report's stylesheet, inlined: readable print-like layout, figures in a responsive grid. */
export const STYLES = `
:root { color-scheme: light; --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --accent: #1d4ed8; --bad: #b91c1c; --good: #047857; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: #f8fafc; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.35rem; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 6px; }
a { color: var(--accent); }
code { font: 0.9em ui-monospace, "DejaVu Sans Mono", monospace; background: #eef2ff; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; list-style: none; margin: 8px 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 18px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; }
figure.wide { grid-column: 1 / -1; }
.grid > .panel { margin: 0; align-self: start; }
figcaption { color: #374151; font-size: 0.92rem; margin-top: 8px; }
.chart { position: relative; width: 100%; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 12px 0; overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.88rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; white-space: nowrap; }
thead th { background: #f1f5f9; }
td.num, th.num { text-align: right; }
details { margin-top: 8px; overflow-x: auto; }
summary { cursor: pointer; color: var(--accent); }
.note { background: #fef3c7; border-left: 4px solid #d97706; padding: 6px 10px; margin: 8px 0; }
.bad { color: var(--bad); }
.good { color: var(--good); }
.muted { color: var(--muted); }
ul.regressions li { color: var(--bad); }
details.tail { margin: 6px 0; }
details.tail > summary { color: var(--fg); }
.tail-line { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92rem; }
.share-bar { display: inline-block; height: 0.7em; background: var(--accent); vertical-align: baseline; }
p.verdict { font-size: 1.02rem; }
footer { color: var(--muted); font-size: 0.85rem; padding: 24px; }
`;
