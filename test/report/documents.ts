/**
 * Small hand-made documents for the report's unit tests: every number chosen so the expected
 * output can be worked out by hand.
 */
import type { LoadResults, ScenarioResult } from '../../src/loadgen/results.ts';
import type { LabelledRun } from '../../src/report/input.ts';
import type {
  Exemplar,
  KeptTrace,
  PathEntry,
  RequestEntry,
  ResourceEntry,
  SpanEntry,
  SpanStatistics,
  SpanSummaryDocument,
  TailStage,
} from '../../src/rollup/document.ts';

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

function statistics(
  count: number,
  meanMs: number,
  selfMeanMs: number,
  p99Ms: number,
  exemplars: Exemplar[],
): SpanStatistics {
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
    sketch: {
      version: 1,
      relative_accuracy: 0.01,
      min_trackable_ms: 0.001,
      max_trackable_ms: 600000,
      count: 0,
      sum_ms: 0,
      min_ms: null,
      max_ms: null,
      zero_count: 0,
      offset: 0,
      counts: [],
    },
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
    return {
      name,
      ...statistics(
        count,
        total / count,
        self / count,
        Math.max(...mine.map((p) => p.p99Ms ?? p.meanMs)),
        mine.flatMap((p) => p.exemplars ?? []),
      ),
    };
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
export function simpleSummary(
  options: { encoderMs?: number; kernelMs?: number; name?: string } = {},
): SpanSummaryDocument {
  const kernel = options.kernelMs ?? 4;
  const encoder = options.encoderMs ?? 6;
  const decoderName = options.name ?? 'decoder';
  const total = 1 + encoder + 3;
  return summary([
    {
      names: ['transcribe'],
      count: 10,
      meanMs: total,
      selfMeanMs: 0,
      offsetMs: 0,
      exemplars: [{ trace_id: TRACE_A, span_id: '1111111111111111', duration_ms: 2 * total }],
    },
    { names: ['transcribe', 'audio.decode'], count: 10, meanMs: 1, selfMeanMs: 1, offsetMs: 0 },
    {
      names: ['transcribe', 'encoder'],
      count: 10,
      meanMs: encoder,
      selfMeanMs: encoder - kernel,
      offsetMs: 1,
      exemplars: [
        { trace_id: TRACE_B, span_id: '2222222222222222', duration_ms: 7 },
        { trace_id: TRACE_A, span_id: '3333333333333333', duration_ms: 12 },
      ],
    },
    {
      names: ['transcribe', 'encoder', 'npu.kernel_execution'],
      count: 10,
      meanMs: kernel,
      selfMeanMs: kernel,
      offsetMs: 2,
    },
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

/**
 * A kept request of 500 ms under the SERVER span: upload 20 ms, transcribe 470 ms from 25 ms (a
 * 380 ms `worker.queue_wait` inside `mel` before its 40 ms `mel.fft`, then a 30 ms decoder).
 */
export function keptTrace(traceId = TRACE_A, durationMs = 500): KeptTrace {
  return {
    trace_id: traceId,
    duration_ms: durationMs,
    spans: [
      {
        span_id: 'r000000000000001',
        parent_span_id: '',
        name: 'POST /v1/audio/transcriptions',
        start_ms: 0,
        duration_ms: durationMs,
      },
      {
        span_id: 'u000000000000002',
        parent_span_id: 'r000000000000001',
        name: 'http.upload',
        start_ms: 0.5,
        duration_ms: 20,
      },
      {
        span_id: 't000000000000003',
        parent_span_id: 'r000000000000001',
        name: 'transcribe',
        start_ms: 25,
        duration_ms: 470,
      },
      // Listed out of order on purpose: the rows must follow the tree and the start times.
      {
        span_id: 'd000000000000006',
        parent_span_id: 't000000000000003',
        name: 'decoder',
        start_ms: 460,
        duration_ms: 30,
      },
      { span_id: 'm000000000000004', parent_span_id: 't000000000000003', name: 'mel', start_ms: 30, duration_ms: 425 },
      {
        span_id: 'f000000000000007',
        parent_span_id: 'm000000000000004',
        name: 'mel.fft',
        start_ms: 412,
        duration_ms: 40,
      },
      {
        span_id: 'w000000000000005',
        parent_span_id: 'm000000000000004',
        name: 'worker.queue_wait',
        start_ms: 31,
        duration_ms: 380,
      },
    ],
  };
}

/** A root's attribution with one planted stage: slow requests +412 ms, `worker.queue_wait` +380 ms of it. */
export function requestEntry(fields: Partial<RequestEntry> = {}): RequestEntry {
  const stage = (name: string, slow: number, baseline: number): TailStage => ({
    name,
    slow_mean_ms: slow,
    baseline_mean_ms: baseline,
    delta_ms: slow - baseline,
    share: (slow - baseline) / 412,
  });
  return {
    root: 'POST /v1/audio/transcriptions',
    count: 200,
    unattributed_ms: { mean: 1, p50: 0.8, p99: 3.1, max: 6 },
    unattributed_share: { p50: 0.01, p99: 0.031 },
    tail: {
      slow_quantile: 0.95,
      slow_threshold_ms: 480,
      slow_count: 10,
      baseline_count: 100,
      stages: [
        stage('worker.queue_wait', 381, 1),
        stage('decoder', 60, 40),
        stage('mel.fft', 42, 30),
        stage('audio.decode', 2, 2),
      ],
    },
    slowest: [keptTrace()],
    typical: [keptTrace(TRACE_B, 90)],
    ...fields,
  };
}

/** A resource over a 10 s window. */
export function resource(name: string, capacity: number, utilization: number, queueMean: number): ResourceEntry {
  const windowMs = 10_000;
  return {
    name,
    capacity,
    utilization,
    busy_ms: utilization * capacity * windowMs,
    window_ms: windowMs,
    queue_mean: queueMean,
    queue_max: Math.ceil(queueMean * 2),
    in_use: 0,
    queued: 0,
  };
}

/** `simpleSummary` with attribution and resources, as the rollup processor writes them now. */
export function attributedSummary(): SpanSummaryDocument {
  return {
    ...simpleSummary(),
    requests: [requestEntry()],
    resources: [resource('worker_pool', 4, 0.3, 0), resource('npu_columns', 4, 0.2, 0)],
  };
}

/** A document as written before attribution existed: no `requests`, no `resources`. */
export function legacySummary(): SpanSummaryDocument {
  const { requests: _requests, resources: _resources, ...rest } = simpleSummary();
  return rest as SpanSummaryDocument;
}
