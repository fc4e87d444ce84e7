/**
 * `report.html`: one self-contained file. Chart.js, the page's script, the styles and the data
 * are all inline, and a Content-Security-Policy forbids any request, so the report opens offline
 * and from any folder. Every chart has a caption and its numbers in a table that needs no script.
 */
import { chartJsSource } from './chartjs.ts';
import { CLIENT_SCRIPT } from './client-script.ts';
import type { Figure } from './figure.ts';
import {
  compareLatencyFigure,
  compareStagesFigure,
  compareThroughputFigure,
  comparisonTables,
} from './figures-compare.ts';
import { latencyFigure, scalingFigure, stageFigure, throughputFigure } from './figures-run.ts';
import { slowestWaterfallFigure, typicalWaterfallFigure } from './figures-waterfall.ts';
import { facts, scenarioPanel, slowestPanel } from './html-panels.ts';
import { resourcesPanel } from './html-resources.ts';
import { tailFigure, tailPanel } from './html-tail.ts';
import { escapeHtml, jsonForScript, numbersDetails } from './html-util.ts';
import type { LabelledRun, ReportInput } from './input.ts';
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

function runFigures(run: LabelledRun, index: number, input: ReportInput): Figure[] {
  const id = (name: string): string => `chart-run${index}-${name}`;
  return present([
    tailFigure(run, id('tail')),
    stageFigure(run, id('stages')),
    latencyFigure(run, id('latency')),
    throughputFigure(run, id('throughput')),
    scalingFigure(run, id('scaling')),
    typicalWaterfallFigure(run, id('typical'), input),
    slowestWaterfallFigure(run, id('slowest'), input),
  ]);
}

function runSection(run: LabelledRun, index: number, input: ReportInput, figures: Figure[]): string {
  const noScaling = figures.some((f) => f.id.endsWith('-scaling'))
    ? ''
    : '<p class="muted">No scaling chart: the run has no two stream counts of the same audio.</p>';
  const noSlowest = figures.some((f) => f.id.endsWith('-slowest'))
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
    `<div class="grid">${figures.map(figureHtml).join('\n')}</div>${noScaling}${noSlowest}` +
    `</section>`
  );
}

function comparisonSection(runs: LabelledRun[], figures: Figure[]): string {
  return (
    `<section id="comparison" aria-labelledby="comparison-title">` +
    `<h2 id="comparison-title">Comparison: ${runs.map((r) => escapeHtml(r.label)).join(' vs ')}</h2>` +
    `<div class="panel">${comparisonTables(runs)}</div>` +
    `<div class="grid">${figures.map(figureHtml).join('\n')}</div>` +
    `</section>`
  );
}

/** The whole report as one HTML document. */
export function renderReportHtml(input: ReportInput): string {
  if (input.runs.length === 0) throw new Error('renderReportHtml needs at least one run');
  const generatedAt = input.generatedAt ?? new Date().toISOString();
  const perRun = input.runs.map((run, i) => runFigures(run, i, input));
  const compared = input.runs.length >= 2;
  const compareFigures = compared
    ? present([
        compareStagesFigure(input.runs, 'chart-compare-stages'),
        compareThroughputFigure(input.runs, 'chart-compare-throughput'),
        compareLatencyFigure(input.runs, 'chart-compare-latency'),
      ])
    : [];
  const charts = [...perRun.flat(), ...compareFigures].map((f) => f.chart);
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
<title>amanuensis profile: ${escapeHtml(labels)}</title>
<style>${STYLES}</style>
</head>
<body>
<header>
<h1>amanuensis profile report</h1>
<p>Runs: ${escapeHtml(labels)}. Generated ${escapeHtml(generatedAt)}. Times are in milliseconds (ms), throughput in seconds of audio per second (x realtime), request rates in requests per second (req/s).</p>
<noscript><p class="note">The charts need JavaScript; every number is also in the tables under each chart.</p></noscript>
<nav aria-label="Sections"><ul>${nav}</ul></nav>
</header>
<main>
${input.runs.map((run, i) => runSection(run, i, input, perRun[i]!)).join('\n')}
${compared ? comparisonSection(input.runs, compareFigures) : ''}
</main>
<footer>Made by <code>amanuensis profile</code>. Self-contained: charts drawn with an inlined copy of Chart.js; the page makes no network requests.</footer>
<script type="application/json" id="report-data">${jsonForScript({ charts })}</script>
<script>${chartJsSource()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
