/**
 * `report.html`: one self-contained file. Chart.js, the page's script, the styles and the data
 * are all inline, and a Content-Security-Policy forbids any request, so the report opens offline
 * and from any folder. Every chart has a caption and its numbers in a table that needs no script.
 */
import type { LoadResults } from '../loadgen/results.ts';
import { chartJsSource } from './chartjs.ts';
import { CLIENT_SCRIPT } from './client-script.ts';
import type { Figure } from './figure.ts';
import {
  compareLatencyFigure,
  compareStagesFigure,
  compareThroughputFigure,
  comparisonTables,
} from './figures-compare.ts';
import { FIGURE_TITLES, latencyFigure, scalingFigure, stageFigure, throughputFigure } from './figures-run.ts';
import { SLOWEST_TITLE, slowestWaterfallFigure, TYPICAL_TITLE, typicalWaterfallFigure } from './figures-waterfall.ts';
import { facts, scenarioPanel, slowestPanel } from './html-panels.ts';
import { resourcesPanel } from './html-resources.ts';
import { tailFigure, tailPanel } from './html-tail.ts';
import { escapeHtml, jsonForScript, numbersDetails } from './html-util.ts';
import { isComplete, type ReportInput, type ReportRun } from './input.ts';
import { COMPARISON_NEEDS, NEEDS_LOAD, NEEDS_SPANS, needsNote, needsPanel } from './needs.ts';
import { STYLES } from './styles.ts';

const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function figureHtml(figure: Figure): string {
  const titleId = `${figure.id}-title`;
  return (
    `<figure class="${figure.wide ? 'wide' : ''}" aria-labelledby="${titleId}">` +
    `<h3 id="${titleId}">${escapeHtml(figure.title)}</h3>` +
    `<div class="chart" style="height:${Math.round(figure.heightPx)}px"><canvas id="${figure.id}" role="img" aria-label="${escapeHtml(figure.altText)}">${escapeHtml(figure.altText)}</canvas></div>` +
    `<figcaption>${figure.captionHtml}</figcaption>` +
    numbersDetails(figure.tableHtml) +
    `</figure>`
  );
}

function present<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/** A chart of a run, or the panel that says what it needs (an HTML string) in its place. */
type Slot = Figure | string;

function isFigure(slot: Slot): slot is Figure {
  return typeof slot !== 'string';
}

/** The stage chart and the two waterfalls, in that order; undefined where there is nothing to draw. */
function spanSlots(run: ReportRun, id: (name: string) => string, input: ReportInput): (Slot | undefined)[] {
  if (!run.summary)
    return [
      needsPanel(FIGURE_TITLES.stages, NEEDS_SPANS),
      needsPanel(TYPICAL_TITLE, NEEDS_SPANS),
      needsPanel(SLOWEST_TITLE, NEEDS_SPANS),
    ];
  return [
    stageFigure(run, id('stages')),
    typicalWaterfallFigure(run.summary, id('typical'), input),
    slowestWaterfallFigure(run.summary, id('slowest'), input),
  ];
}

function loadSlots(run: ReportRun, id: (name: string) => string): Slot[] {
  if (!run.load)
    return [needsPanel(FIGURE_TITLES.latency, NEEDS_LOAD), needsPanel(FIGURE_TITLES.throughput, NEEDS_LOAD)];
  return present([
    latencyFigure(run.load, id('latency')),
    throughputFigure(run.load, id('throughput')),
    scalingFigure(run.load, id('scaling')),
  ]);
}

function runSlots(run: ReportRun, index: number, input: ReportInput): Slot[] {
  const id = (name: string): string => `chart-run${index}-${name}`;
  const [stages, ...waterfalls] = spanSlots(run, id, input);
  return present([tailFigure(run, id('tail')), stages, ...loadSlots(run, id), ...waterfalls]);
}

function slotHtml(slot: Slot): string {
  return isFigure(slot) ? figureHtml(slot) : slot;
}

function runSection(run: ReportRun, index: number, input: ReportInput, slots: Slot[]): string {
  const has = (suffix: string): boolean => slots.some((s) => isFigure(s) && s.id.endsWith(suffix));
  const noScaling =
    !run.load || has('-scaling')
      ? ''
      : '<p class="muted">No scaling chart: the run has no two stream counts of the same audio.</p>';
  const noSlowest =
    !run.summary || has('-slowest')
      ? ''
      : '<p class="note" role="note">No waterfall of the slowest request: this span summary keeps no single requests (it was written by a version that did not), so there is nothing exact to draw. Its trace is linked under "Slowest requests".</p>';
  return (
    `<section id="run-${index}" aria-labelledby="run-${index}-title">` +
    `<h2 id="run-${index}-title">Run <q>${escapeHtml(run.label)}</q></h2>` +
    facts(run) +
    scenarioPanel(run) +
    tailPanel(run) +
    resourcesPanel(run) +
    slowestPanel(run, input) +
    `<div class="grid">${slots.map(slotHtml).join('\n')}</div>${noScaling}${noSlowest}` +
    `</section>`
  );
}

/** Runs that all have load results, or undefined when one lacks them. */
function withLoad(runs: ReportRun[]): { label: string; load: LoadResults }[] | undefined {
  const loaded = runs.flatMap((run) => (run.load ? [{ label: run.label, load: run.load }] : []));
  return loaded.length === runs.length ? loaded : undefined;
}

/** The comparison's charts: scenarios when every run has load results, stages when every run is complete. */
function comparisonFigures(runs: ReportRun[]): Figure[] {
  const complete = runs.filter(isComplete);
  const loaded = withLoad(runs);
  return present([
    complete.length === runs.length ? compareStagesFigure(complete, 'chart-compare-stages') : undefined,
    loaded ? compareThroughputFigure(loaded, 'chart-compare-throughput') : undefined,
    loaded ? compareLatencyFigure(loaded, 'chart-compare-latency') : undefined,
  ]);
}

function comparisonSection(runs: ReportRun[], figures: Figure[]): string {
  const complete = runs.filter(isComplete);
  const tables =
    complete.length === runs.length
      ? `<div class="panel">${comparisonTables(complete)}</div>`
      : `<div class="panel">${needsNote(`${COMPARISON_NEEDS}${figures.length > 0 ? ' The charts below compare what every run has.' : ''}`)}</div>`;
  return (
    `<section id="comparison" aria-labelledby="comparison-title">` +
    `<h2 id="comparison-title">Comparison: ${runs.map((r) => escapeHtml(r.label)).join(' vs ')}</h2>` +
    tables +
    `<div class="grid">${figures.map(figureHtml).join('\n')}</div>` +
    `</section>`
  );
}

/** The whole report as one HTML document. */
export function renderReportHtml(input: ReportInput): string {
  if (input.runs.length === 0) throw new Error('renderReportHtml needs at least one run');
  const generatedAt = input.generatedAt ?? new Date().toISOString();
  const perRun = input.runs.map((run, i) => runSlots(run, i, input));
  const compared = input.runs.length >= 2;
  const compareFigures = compared ? comparisonFigures(input.runs) : [];
  const charts = [...perRun.flat().filter(isFigure), ...compareFigures].map((f) => f.chart);
  const labels = input.runs.map((r) => r.label).join(', ');
  const nav = [
    ...input.runs.map((run, i) => `<li><a href="#run-${i}">Run ${escapeHtml(run.label)}</a></li>`),
    ...(compared ? ['<li><a href="#comparison">Comparison</a></li>'] : []),
  ].join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>amanuensis report: ${escapeHtml(labels)}</title>
<style>${STYLES}</style>
</head>
<body>
<header>
<h1>amanuensis report</h1>
<p>Runs: ${escapeHtml(labels)}. Generated ${escapeHtml(generatedAt)}. Times are in milliseconds (ms), throughput in seconds of audio per second (x realtime), request rates in requests per second (req/s).</p>
<noscript><p class="note">The charts need JavaScript; every number is also in the tables under each chart.</p></noscript>
<nav aria-label="Sections"><ul>${nav}</ul></nav>
</header>
<main>
${input.runs.map((run, i) => runSection(run, i, input, perRun[i]!)).join('\n')}
${compared ? comparisonSection(input.runs, compareFigures) : ''}
</main>
<footer>Made by <code>amanuensis profile</code> or <code>amanuensis report</code>. Self-contained: charts drawn with an inlined copy of Chart.js; the page makes no network requests.</footer>
<script type="application/json" id="report-data">${jsonForScript({ charts })}</script>
<script>${chartJsSource()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
