/**
 * Small hand-made documents for the report's unit tests: every number chosen so the expected
 * output can be worked out by hand.
 */
import type { LoadResults, ScenarioResult } from '../../src/loadgen/report.ts';
import type { Exemplar, PathEntry, SpanEntry, SpanStatistics, SpanSummaryDocument } from '../../src/rollup/document.ts';
import type { LabelledRun } from '../../src/report/input.ts';

export const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
export const TRACE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

export interface PathSpec {
  names: string[];
  count: number;
  meanMs: number;
  selfMeanMs: number;
  offsetMs: number;
  p99Ms?: number;
  exemplars?: Exemplar[];
}

function statistics(count: number, meanMs: number, selfMeanMs: number, p99Ms: number, exemplars: Exemplar[]): SpanStatistics {
  return {
    count,
    errors: 0,
    total_ms: count * meanMs,
    mean_ms: meanMs,
    stddev_ms: 0,
    min_ms: meanMs,
    max_ms: p99Ms,
    p50_ms: meanMs,
    p90_ms: meanMs,
    p95_ms: p99Ms,
    p99_ms: p99Ms,
    p999_ms: p99Ms,
    self_total_ms: count * selfMeanMs,
    self_mean_ms: selfMeanMs,
    exemplars,
    sketch: { version: 1, relative_accuracy: 0.01, min_trackable_ms: 0.001, max_trackable_ms: 600000, count: 0, sum_ms: 0, min_ms: null, max_ms: null, zero_count: 0, offset: 0, counts: [] },
  };
}

/** A summary whose per-name entries are the sums of its paths. */
export function summary(paths: PathSpec[]): SpanSummaryDocument {
  const pathEntries: PathEntry[] = paths.map((p) => ({
    path: p.names.join('/'),
    names: p.names,
    start_offset_mean_ms: p.offsetMs,
    ...statistics(p.count, p.meanMs, p.selfMeanMs, p.p99Ms ?? p.meanMs, p.exemplars ?? []),
  }));
  const spans: SpanEntry[] = [...new Set(paths.map((p) => p.names[p.names.length - 1]!))].map((name) => {
    const mine = paths.filter((p) => p.names[p.names.length - 1] === name);
    const count = mine.reduce((n, p) => n + p.count, 0);
    const total = mine.reduce((n, p) => n + p.count * p.meanMs, 0);
    const self = mine.reduce((n, p) => n + p.count * p.selfMeanMs, 0);
    return { name, ...statistics(count, total / count, self / count, Math.max(...mine.map((p) => p.p99Ms ?? p.meanMs)), mine.flatMap((p) => p.exemplars ?? [])) };
  });
  return {
    schema_version: 1,
    service: { name: 'amanuensis' },
    generated_at: '2026-11-03T09:01:00.000Z',
    window: { start: '2026-11-03T09:00:00.000Z', end: '2026-11-03T09:01:00.000Z', kind: 'cumulative' },
    warmup_spans_skipped: 0,
    dropped_spans: 0,
    sampling: { sampler: 'parentbased_always_on', unsampled_spans: 0 },
    overflow: { names: 0, paths: 0, in_flight: 0 },
    internal_errors: 0,
    spans,
    paths: pathEntries,
    requests: [],
    resources: [],
  };
}

/** A request of 10 ms: decode 1 ms, encoder 6 ms (kernel 4 ms), decoder 3 ms; 10 requests. */
export function simpleSummary(options: { encoderMs?: number; kernelMs?: number; name?: string } = {}): SpanSummaryDocument {
  const kernel = options.kernelMs ?? 4;
  const encoder = options.encoderMs ?? 6;
  const decoderName = options.name ?? 'decoder';
  const total = 1 + encoder + 3;
  return summary([
    { names: ['transcribe'], count: 10, meanMs: total, selfMeanMs: 0, offsetMs: 0, exemplars: [{ trace_id: TRACE_A, span_id: '1111111111111111', duration_ms: 2 * total }] },
    { names: ['transcribe', 'audio.decode'], count: 10, meanMs: 1, selfMeanMs: 1, offsetMs: 0 },
    {
      names: ['transcribe', 'encoder'], count: 10, meanMs: encoder, selfMeanMs: encoder - kernel, offsetMs: 1,
      exemplars: [{ trace_id: TRACE_B, span_id: '2222222222222222', duration_ms: 7 }, { trace_id: TRACE_A, span_id: '3333333333333333', duration_ms: 12 }],
    },
    { names: ['transcribe', 'encoder', 'npu.kernel_execution'], count: 10, meanMs: kernel, selfMeanMs: kernel, offsetMs: 2 },
    { names: ['transcribe', decoderName], count: 10, meanMs: 3, selfMeanMs: 3, offsetMs: 1 + encoder },
  ]);
}

/** A closed-model scenario with the given throughput and latency (ms). */
export function scenario(name: string, streams: number, fields: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    name,
    model: 'closed',
    streams,
    audio: '1s',
    warmup: streams,
    requests: 10,
    succeeded: 10,
    failed: 0,
    errors: {},
    wall_s: 0.5,
    audio_s: 10,
    throughput_rtf: 20,
    requests_per_s: 20,
    latency_ms: { mean: 40, p50: 35, p90: 50, p95: 55, p99: 60, max: 70 },
    ttfb_ms: { mean: 39, p50: 34, p90: 49, p95: 54, p99: 59, max: 69 },
    client_event_loop_delay_p99_ms: 1,
    client_event_loop_delay_max_ms: 2,
    slowest: [{ trace_id: TRACE_A, latency_ms: 70, outcome: 'ok' }],
    ...fields,
  };
}

export function loadResults(scenarios: ScenarioResult[]): LoadResults {
  return {
    schema_version: 1,
    target: 'http://127.0.0.1:8080',
    started_at: '2026-11-03T09:00:00.000Z',
    finished_at: '2026-11-03T09:01:00.000Z',
    suite: 'quick',
    client: { trace: true, timeout_s: 60 },
    scenarios,
    scaling_efficiency: null,
    thresholds: [],
  };
}

/** A run of `simpleSummary` and one 4-stream scenario. */
export function simpleRun(label = 'fused', fields: Partial<ScenarioResult> = {}): LabelledRun {
  return { label, summary: simpleSummary(), load: loadResults([scenario('4x8 1s', 4, fields)]) };
}
