/**
 * The comparison of two or more runs (e.g. `--offload fused` against `--offload matmul`): stage
 * self time, throughput and p99 latency side by side, and the change tables of `compareRuns`.
 */

import type { LoadResults } from '../loadgen/results.ts';
import { seriesColor } from './colors.ts';
import { type Change, type Compared, compareRuns, regressionSummary } from './compare.ts';
import { axis, baseOptions, type Figure } from './figure.ts';
import { formatMs, formatPercentChange, formatRps, formatRtf, formatSigned, MISSING, msNumber } from './format.ts';
import { type Cell, escapeHtml, htmlTable, num } from './html-util.ts';
import type { LabelledRun } from './input.ts';
import { stageChart } from './self-time.ts';

/** A run with load results: all the scenario comparisons need. */
type LoadRun = { label: string; load: LoadResults };

function grouped<R extends { label: string }>(
  labels: string[],
  runs: R[],
  values: (run: R) => (number | null)[],
): { labels: string[]; datasets: { label: string; data: (number | null)[]; backgroundColor: string }[] } {
  return {
    labels,
    datasets: runs.map((run, i) => ({ label: run.label, data: values(run), backgroundColor: seriesColor(i) })),
  };
}

function union(lists: string[][]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const item of list) if (!out.includes(item)) out.push(item);
  return out;
}

/** Whole-run self time per request per stage, one bar per run. */
export function compareStagesFigure(runs: LabelledRun[], id: string): Figure | undefined {
  const perRun = runs.map((run) => {
    const chart = stageChart(run);
    const whole = chart?.bars[chart.bars.length - 1];
    return new Map((chart?.segments ?? []).map((s, i) => [s.label, whole?.selfMs[i] ?? null]));
  });
  const labels = union(perRun.map((m) => [...m.keys()]));
  if (labels.length === 0) return undefined;
  const data = grouped(labels, runs, (run) => labels.map((l) => perRun[runs.indexOf(run)]!.get(l) ?? null));
  const rows = labels.map((l) => [l, ...perRun.map((m) => num(formatMs(m.get(l))))]);
  return {
    id,
    title: 'Stage time per request, by run',
    captionHtml: 'Mean self time per request of each span over the whole run, one bar per run (ms).',
    altText: 'Grouped horizontal bar chart of milliseconds per request per stage for each run.',
    tableHtml: htmlTable(
      'Self time per request per stage, by run',
      ['span', ...runs.map((r) => `${r.label} (ms)`)],
      rows,
    ),
    chart: {
      id,
      config: {
        type: 'bar',
        data,
        options: baseOptions(
          { x: axis('ms per request', { beginAtZero: true }), y: { ticks: { autoSkip: false } } },
          { indexAxis: 'y' },
        ),
      },
      units: runs.map(() => 'ms'),
    },
    heightPx: 90 + 18 * labels.length * Math.max(2, runs.length),
    wide: true,
  };
}

function scenarioNames(runs: LoadRun[]): string[] {
  return union(runs.map((r) => r.load.scenarios.map((s) => s.name)));
}

/** Throughput per scenario, one bar per run. */
export function compareThroughputFigure(runs: LoadRun[], id: string): Figure {
  const labels = scenarioNames(runs);
  const value = (run: LoadRun, name: string): number | null =>
    run.load.scenarios.find((s) => s.name === name)?.throughput_rtf ?? null;
  const rows = labels.map((name) => [name, ...runs.map((run) => num(formatRtf(value(run, name))))]);
  return {
    id,
    title: 'Throughput per scenario, by run',
    captionHtml: 'Seconds of audio per second of wall time (x realtime), one bar per run.',
    altText: 'Grouped bar chart of throughput in times realtime per scenario for each run.',
    tableHtml: htmlTable('Throughput per scenario, by run', ['scenario', ...runs.map((r) => r.label)], rows),
    chart: {
      id,
      config: {
        type: 'bar',
        data: grouped(labels, runs, (run) => labels.map((n) => value(run, n))),
        options: baseOptions({ y: axis('throughput (x realtime)', { beginAtZero: true }) }),
      },
      units: runs.map(() => 'x realtime'),
    },
    heightPx: 320,
  };
}

/** p99 latency per scenario, one bar per run. */
export function compareLatencyFigure(runs: LoadRun[], id: string): Figure {
  const labels = scenarioNames(runs);
  const value = (run: LoadRun, name: string): number | null =>
    run.load.scenarios.find((s) => s.name === name)?.latency_ms.p99 ?? null;
  const rows = labels.map((name) => [name, ...runs.map((run) => num(formatMs(value(run, name))))]);
  return {
    id,
    title: 'p99 latency per scenario, by run',
    captionHtml: 'The latency 1 in 100 successful requests exceeded (ms), one bar per run.',
    altText: 'Grouped bar chart of p99 latency in milliseconds per scenario for each run.',
    tableHtml: htmlTable('p99 latency per scenario, by run', ['scenario', ...runs.map((r) => r.label)], rows),
    chart: {
      id,
      config: {
        type: 'bar',
        data: grouped(labels, runs, (run) => labels.map((n) => value(run, n))),
        options: baseOptions({ y: axis('p99 latency (ms)', { beginAtZero: true }) }),
      },
      units: runs.map(() => 'ms'),
    },
    heightPx: 320,
  };
}

function valueText(c: Change, v: number | null): string {
  if (v === null) return MISSING;
  return c.unit === 'ms'
    ? `${msNumber(v)} ms`
    : c.unit === 'x realtime'
      ? formatRtf(v)
      : c.unit === 'req/s'
        ? formatRps(v)
        : `${v} ${c.unit}`;
}

function changeRows(list: Compared[]): Cell[][] {
  return list.flatMap((compared) =>
    compared.changes.map((c) => {
      const mark = c.regression
        ? '<strong class="bad">regression</strong>'
        : c.improvement
          ? '<span class="good">better</span>'
          : compared.inBoth
            ? ''
            : '<span class="muted">in one run only</span>';
      const delta = c.delta === null ? MISSING : formatSigned(c.delta, (v) => valueText(c, v));
      return [
        `${compared.name}: ${c.metric}`,
        num(valueText(c, c.before)),
        num(valueText(c, c.after)),
        num(delta),
        num(formatPercentChange(c.percent)),
        { html: mark },
      ];
    }),
  );
}

/** Every regression as a visible list item, so they stand out before any table is opened. */
function regressionList(list: Compared[]): string {
  const items = list
    .map((compared) => {
      const worse = compared.changes.filter((c) => c.regression);
      if (worse.length === 0) return '';
      const changes = worse.map(
        (c) =>
          `${escapeHtml(c.metric)} ${escapeHtml(valueText(c, c.before))} → ${escapeHtml(valueText(c, c.after))} (${escapeHtml(formatPercentChange(c.percent))})`,
      );
      return `<li><strong>${escapeHtml(compared.name)}</strong>: ${changes.join('; ')}</li>`;
    })
    .filter(Boolean);
  return items.length > 0 ? `<ul class="regressions">${items.join('')}</ul>` : '';
}

/** The change tables of each run against the first (HTML). */
export function comparisonTables(runs: LabelledRun[]): string {
  const [baseline, ...others] = runs;
  if (!baseline) return '';
  return others
    .map((other) => {
      const comparison = compareRuns(baseline, other);
      const t = comparison.thresholds;
      const header = ['what', baseline.label, other.label, 'change', 'change (%)', ''];
      return (
        `<h3>${escapeHtml(baseline.label)} → ${escapeHtml(other.label)}: ${escapeHtml(regressionSummary(comparison, false))}</h3>` +
        `<p>A time counts as a regression when it grew by more than ${t.percent}% and more than ${t.ms} ms; a rate when it fell by more than ${t.percent}%; failures when there are more.</p>` +
        regressionList([...comparison.stages, ...comparison.scenarios]) +
        `<details><summary>Change per stage</summary>${htmlTable(`Per span name, ${baseline.label} → ${other.label}`, header, changeRows(comparison.stages))}</details>` +
        `<details><summary>Change per scenario</summary>${htmlTable(`Per scenario, ${baseline.label} → ${other.label}`, header, changeRows(comparison.scenarios))}</details>`
      );
    })
    .join('\n');
}
