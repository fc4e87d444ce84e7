/**
 * The text panels of a run section: the facts of the run, the scenario table and the slowest
 * requests with their trace links.
 */
import type { LoadResults } from '../loadgen/results.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { formatCount, formatLoad, formatMs, formatRps, formatRtf, formatSeconds } from './format.ts';
import { escapeHtml, htmlTable, jaegerNote, num, traceLink } from './html-util.ts';
import type { ReportInput, ReportRun } from './input.ts';
import { NEEDS_LOAD, needsNote, needsPanel } from './needs.ts';
import { slowestRequests, slowestServerSpans } from './slowest-traces.ts';

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Where and when the load ran (when there are load results). */
function loadFacts(l: LoadResults): [string, string][] {
  return [
    ['target', `<code>${escapeHtml(l.target)}</code>`],
    ['suite', escapeHtml(l.suite ?? 'custom')],
    ['load ran', `${escapeHtml(l.started_at)} to ${escapeHtml(l.finished_at)}`],
    [
      'requests',
      `${formatCount(sum(l.scenarios.map((x) => x.requests)))} measured, ${formatCount(sum(l.scenarios.map((x) => x.failed)))} failed, ${formatSeconds(l.scenarios.some((x) => x.audio_s === null) ? null : sum(l.scenarios.map((x) => x.audio_s ?? 0)))} of audio transcribed`,
    ],
  ];
}

/** What the span summary covers and what it left out (when there is one). */
function summaryFacts(s: SpanSummaryDocument): [string, string][] {
  return [
    [
      'service',
      `<code>${escapeHtml(s.service.name)}</code>, span summary ${escapeHtml(s.window.start)} to ${escapeHtml(s.window.end)}`,
    ],
    [
      'spans left out',
      `${formatCount(s.warmup_spans_skipped)} warm-up, ${formatCount(s.dropped_spans)} dropped by the exporter, ${formatCount(s.overflow.names + s.overflow.paths + s.overflow.in_flight)} over the summary's bounds`,
    ],
    ['sampler', `<code>${escapeHtml(s.sampling.sampler)}</code>`],
  ];
}

/** Where and when the run was made, and what the span summary left out; a missing document says so. */
export function facts(run: ReportRun): string {
  const missing = (what: string): [string, string] => [what, '<span class="muted">none given</span>'];
  const items = [
    ...(run.load ? loadFacts(run.load) : [missing('load results')]),
    ...(run.summary ? summaryFacts(run.summary) : [missing('span summary')]),
  ];
  const efficiency = run.load?.scaling_efficiency ?? null;
  if (efficiency !== null)
    items.push([
      'scaling efficiency',
      `${efficiency.toFixed(2)} (throughput at 8 streams ÷ at 4 streams ÷ 2; 1.00 is linear)`,
    ]);
  return `<dl class="facts">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** Every scenario's counts, throughput and latency: the table the rest of the report explains. */
export function scenarioPanel(run: ReportRun): string {
  if (!run.load) return needsPanel('Scenarios', NEEDS_LOAD);
  const rows = run.load.scenarios.map((s) => [
    s.name,
    formatLoad(s),
    s.audio,
    num(formatCount(s.requests)),
    num(formatCount(s.succeeded)),
    s.failed > 0 ? { html: `<strong class="bad">${formatCount(s.failed)}</strong>`, numeric: true } : num('0'),
    num(formatRtf(s.throughput_rtf)),
    num(formatRps(s.requests_per_s)),
    num(formatMs(s.latency_ms.p50)),
    num(formatMs(s.latency_ms.p99)),
  ]);
  const header = [
    'scenario',
    'load',
    'audio',
    'requests',
    'ok',
    'failed',
    'throughput',
    'request rate',
    'p50 latency',
    'p99 latency',
  ];
  return `<div class="panel"><h3>Scenarios</h3>${htmlTable('Scenarios in run order', header, rows)}</div>`;
}

/** The slowest client requests and server spans, linked to Jaeger. */
export function slowestPanel(run: ReportRun, input: ReportInput): string {
  const client = slowestRequests(run).map((t, i) => [
    String(i + 1),
    t.source,
    num(formatMs(t.latencyMs)),
    t.outcome,
    { html: traceLink(input.jaegerUrl, t.traceId) },
  ]);
  const server = slowestServerSpans(run).map((t, i) => [
    String(i + 1),
    t.outcome,
    num(formatMs(t.latencyMs)),
    { html: traceLink(input.jaegerUrl, t.traceId) },
  ]);
  return (
    `<div class="panel"><h3>Slowest requests</h3>` +
    jaegerNote(input.jaegerReachable) +
    (client.length > 0
      ? htmlTable(
          'Slowest requests across scenarios (client latency)',
          ['rank', 'scenario', 'latency', 'outcome', 'trace'],
          client,
        )
      : run.load
        ? '<p>No requests recorded.</p>'
        : needsNote(NEEDS_LOAD)) +
    (server.length > 0
      ? htmlTable('Slowest server spans (span summary exemplars)', ['rank', 'span', 'duration', 'trace'], server)
      : '') +
    `</div>`
  );
}
