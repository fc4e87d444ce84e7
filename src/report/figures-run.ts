/**
 * The figures of one run: stage time per scenario, latency percentiles, throughput, and scaling
 * over stream counts. (Waterfalls are in figures-waterfall.ts.)
 */
import type { LoadResults, ScenarioResult } from '../loadgen/results.ts';
import { seriesColor, stageColors } from './colors.ts';
import { axis, baseOptions, type Figure } from './figure.ts';
import { formatCount, formatLoad, formatMs, formatRps, formatRtf, formatSeconds, msNumber } from './format.ts';
import { escapeHtml, htmlTable, num } from './html-util.ts';
import type { ReportRun } from './input.ts';
import { stageChart } from './self-time.ts';

/** Headings of the run's charts, also used by the notes that stand in for them. */
export const FIGURE_TITLES = {
  stages: 'Where the time goes, per scenario',
  latency: 'Latency percentiles per scenario',
  throughput: 'Throughput per scenario',
} as const;

const PERCENTILES = [
  ['p50', '#93c5fd'],
  ['p90', '#60a5fa'],
  ['p95', '#3b82f6'],
  ['p99', '#1d4ed8'],
  ['max', '#1e3a8a'],
] as const;

/** Stacked self time per stage for each scenario, plus the whole run from the span summary. */
export function stageFigure(run: ReportRun, id: string): Figure | undefined {
  const chart = stageChart(run);
  if (!chart) return undefined;
  const colors = stageColors(chart.segments);
  const datasets = chart.segments.map((segment, i) => ({
    label: segment.label,
    data: chart.bars.map((bar) => bar.selfMs[i]),
    backgroundColor: colors.get(segment.name),
    stack: 'server',
  }));
  const client = {
    type: 'line' as const,
    label: 'client latency, mean',
    data: chart.bars.map((bar) => bar.clientMeanMs),
    stack: 'client',
    order: -1,
    showLine: false,
    pointStyle: 'crossRot',
    pointRadius: 8,
    pointBorderWidth: 3,
    borderColor: '#111827',
    backgroundColor: '#111827',
  };
  const header = [
    'scenario',
    'requests',
    ...chart.segments.map((s) => `${s.label} (ms)`),
    'server total (ms)',
    'client mean (ms)',
  ];
  const rows = chart.bars.map((bar) => [
    bar.label,
    num(formatCount(bar.requests)),
    ...bar.selfMs.map((v) => num(msNumber(v))),
    num(msNumber(bar.totalMs)),
    num(msNumber(bar.clientMeanMs)),
  ]);
  const missing =
    chart.missing.length > 0 ? ` No server stages were recorded for ${escapeHtml(chart.missing.join(', '))}.` : '';
  return {
    id,
    title: FIGURE_TITLES.stages,
    captionHtml:
      `Mean self time per request of each span (its duration minus its children's), stacked, so a bar adds up to the mean <code>transcribe</code> span (server time); ` +
      `per scenario from the spans the server made during it, and for the whole run from the span summary. ` +
      `The cross is the client's mean latency: the gap above a bar is time outside the stages (HTTP, upload, queueing before the request starts).${missing}`,
    altText: 'Stacked bar chart of mean milliseconds per request per stage for each scenario.',
    tableHtml: htmlTable('Mean self time per request per stage, ms', header, rows),
    chart: {
      id,
      config: {
        type: 'bar',
        data: { labels: chart.bars.map((b) => b.label), datasets: [...datasets, client] },
        options: baseOptions({ x: { stacked: true }, y: axis('ms per request', { stacked: true, beginAtZero: true }) }),
      },
      units: [...datasets.map(() => 'ms'), 'ms'],
    },
    heightPx: 480,
    wide: true,
  };
}

/** Latency percentiles (successful requests) per scenario. */
export function latencyFigure(load: LoadResults, id: string): Figure {
  const scenarios = load.scenarios;
  const datasets = PERCENTILES.map(([key, color]) => ({
    label: key,
    data: scenarios.map((s) => s.latency_ms[key]),
    backgroundColor: color,
  }));
  const rows = scenarios.map((s) => [
    s.name,
    num(formatCount(s.succeeded)),
    ...(['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const).map((k) => num(formatMs(s.latency_ms[k]))),
  ]);
  return {
    id,
    title: FIGURE_TITLES.latency,
    captionHtml:
      'Client latency of successful requests (send to last byte), in ms: p50 is the median, p99 the latency 1 in 100 requests exceeded, max the slowest.',
    altText: 'Grouped bar chart of p50, p90, p95, p99 and max latency in milliseconds per scenario.',
    tableHtml: htmlTable(
      'Latency of successful requests per scenario',
      ['scenario', 'successful requests', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'],
      rows,
    ),
    chart: {
      id,
      config: {
        type: 'bar',
        data: { labels: scenarios.map((s) => s.name), datasets },
        options: baseOptions({ y: axis('latency (ms)', { beginAtZero: true }) }),
      },
      units: datasets.map(() => 'ms'),
    },
    heightPx: 340,
  };
}

/** Throughput (x realtime) and request rate per scenario. */
export function throughputFigure(load: LoadResults, id: string): Figure {
  const scenarios = load.scenarios;
  const rows = scenarios.map((s) => [
    s.name,
    formatLoad(s),
    s.audio,
    num(formatSeconds(s.audio_s)),
    num(formatSeconds(s.wall_s)),
    num(formatRtf(s.throughput_rtf)),
    num(formatRps(s.requests_per_s)),
  ]);
  return {
    id,
    title: FIGURE_TITLES.throughput,
    captionHtml:
      'Bars: seconds of audio transcribed per second of wall time (x realtime; successful requests only). Diamonds: completed requests per second (req/s, right axis).',
    altText: 'Bar chart of throughput in times realtime per scenario, with requests per second as points.',
    tableHtml: htmlTable(
      'Throughput per scenario',
      ['scenario', 'load', 'audio', 'audio transcribed', 'wall time', 'throughput', 'request rate'],
      rows,
    ),
    chart: {
      id,
      config: {
        type: 'bar',
        data: {
          labels: scenarios.map((s) => s.name),
          datasets: [
            {
              label: 'throughput (x realtime)',
              data: scenarios.map((s) => s.throughput_rtf),
              backgroundColor: seriesColor(0),
              yAxisID: 'y',
            },
            {
              type: 'line',
              label: 'request rate (req/s)',
              data: scenarios.map((s) => s.requests_per_s),
              yAxisID: 'y1',
              order: -1,
              showLine: false,
              pointStyle: 'rectRot',
              pointRadius: 7,
              backgroundColor: seriesColor(3),
              borderColor: seriesColor(3),
            },
          ],
        },
        options: baseOptions({
          y: axis('throughput (x realtime)', { beginAtZero: true, position: 'left' }),
          y1: axis('request rate (req/s)', { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } }),
        }),
      },
      units: ['x realtime', 'req/s'],
    },
    heightPx: 340,
  };
}

/** Throughput over concurrent streams, one line per audio clip; undefined without two stream counts of one clip. */
export function scalingFigure(load: LoadResults, id: string): Figure | undefined {
  const byAudio = new Map<string, ScenarioResult[]>();
  for (const s of load.scenarios)
    if (s.streams !== undefined) byAudio.set(s.audio, [...(byAudio.get(s.audio) ?? []), s]);
  const groups = [...byAudio].map(([audio, list]) => [audio, list.sort((a, b) => a.streams! - b.streams!)] as const);
  if (!groups.some(([, list]) => new Set(list.map((s) => s.streams)).size >= 2)) return undefined;
  const datasets = groups.map(([audio, list], i) => ({
    label: `${audio} audio`,
    data: list.map((s) => ({ x: s.streams, y: s.throughput_rtf })),
    showLine: true,
    borderColor: seriesColor(i),
    backgroundColor: seriesColor(i),
    pointRadius: 5,
  }));
  const efficiency = load.scaling_efficiency;
  const rows = groups.flatMap(([audio, list]) =>
    list.map((s) => [
      `${audio} audio`,
      num(formatCount(s.streams)),
      num(formatRtf(s.throughput_rtf)),
      num(formatRps(s.requests_per_s)),
      num(formatMs(s.latency_ms.p99)),
      s.name,
    ]),
  );
  const note =
    efficiency === null
      ? ''
      : ` Scaling efficiency (throughput at 8 streams ÷ at 4 streams ÷ 2): <strong>${efficiency.toFixed(2)}</strong> (1.00 would be linear).`;
  return {
    id,
    title: 'Scaling over concurrent streams',
    captionHtml: `Throughput (x realtime) against the number of concurrent streams, one line per audio clip. A line that flattens means more streams only queue.${note}`,
    altText: 'Line chart of throughput in times realtime against the number of concurrent streams.',
    tableHtml: htmlTable(
      'Throughput by concurrent streams',
      ['audio', 'streams', 'throughput', 'request rate', 'p99 latency', 'scenario'],
      rows,
    ),
    chart: {
      id,
      config: {
        type: 'scatter',
        data: { datasets },
        options: baseOptions({
          x: axis('concurrent streams', { beginAtZero: true }),
          y: axis('throughput (x realtime)', { beginAtZero: true }),
        }),
      },
      units: datasets.map(() => 'x realtime'),
      xUnit: 'streams',
    },
    heightPx: 340,
  };
}
