/**
 * The span summary document (`span-summary.json`, `GET /v1/span-summary`): types and the
 * constants of its format. docs/span-summary.schema.json describes the same shape.
 */
import type { SketchState } from './sketch.ts';

/** The document format version this code writes and reads. */
export const SCHEMA_VERSION = 1;

/** One of the slowest spans of a name or path. */
export interface Exemplar {
  trace_id: string;
  span_id: string;
  duration_ms: number;
}

/** Statistics of one span name or path over the document's window. */
export interface SpanStatistics {
  count: number;
  /** Spans that ended with status ERROR. */
  errors: number;
  total_ms: number;
  mean_ms: number;
  /** Sample standard deviation (n - 1); 0 for a single span. */
  stddev_ms: number;
  min_ms: number;
  max_ms: number;
  p50_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  p999_ms: number;
  /** Duration minus the durations of the span's direct children, floored at 0 per span. */
  self_total_ms: number;
  self_mean_ms: number;
  /** Up to five of the slowest spans, slowest first. */
  exemplars: Exemplar[];
  /** Mergeable state of the duration histogram. */
  sketch: SketchState;
}

/** Statistics per span name, whatever the span's path. */
export interface SpanEntry extends SpanStatistics {
  name: string;
}

/** Statistics per path: the chain of local INTERNAL ancestors' names and the span's own. */
export interface PathEntry extends SpanStatistics {
  /** The names joined with '/', e.g. `transcribe/encoder/npu.kernel_execution`. */
  path: string;
  /** The same chain as an array (span names may contain '/'). */
  names: string[];
  /** Mean start of spans on this path relative to the start of their path's root span. */
  start_offset_mean_ms: number;
}

export interface SpanSummaryDocument {
  schema_version: number;
  service: { name: string };
  generated_at: string;
  window: {
    start: string;
    end: string;
    /** `cumulative` since start or reset, or one `interval`; `merged` for `summary merge` output. */
    kind: 'cumulative' | 'interval' | 'merged';
  };
  warmup_spans_skipped: number;
  /** Spans the exporter dropped or failed to export (0 when the processor was given no counter). */
  dropped_spans: number;
  sampling: {
    /** The sampler in use, as configured (e.g. `parentbased_always_on`). */
    sampler: string;
    /** Spans seen recorded but not sampled (a record-only sampler): in the rollups, not exported. */
    unsampled_spans: number;
  };
  /** Spans left out of some statistics because a bound was reached. */
  overflow: {
    /** Spans whose name found no room among max names: in no statistics at all. */
    names: number;
    /** Spans whose path found no room (or was unknown): in their name's statistics only. */
    paths: number;
    /** Spans whose context could not be marked at their start (frozen): their children start paths of their own. */
    in_flight: number;
    /** Traces evicted while waiting for their local root: aggregated without it, request not attributed. */
    traces?: number;
    /** Spans left out of their request: over a bound, or ended after their local root. */
    trace_spans?: number;
    /** Requests whose root name found no room among the request tables (not attributed). */
    roots?: number;
  };
  /** Spans the processor failed to account for because of an internal error (should be 0). */
  internal_errors: number;
  spans: SpanEntry[];
  paths: PathEntry[];
  /** Attribution per root span name (a request's local root): empty, never missing, before any request. */
  requests: RequestEntry[];
  /** Utilization of the shared resources the processor was given: empty when none. */
  resources: ResourceEntry[];
}

/** One span of a kept trace; times in ms, `start_ms` from the root span's start. */
export interface KeptSpan {
  span_id: string;
  /** Empty for the root. */
  parent_span_id: string;
  name: string;
  start_ms: number;
  duration_ms: number;
}

/** The complete span tree of one request, exact. */
export interface KeptTrace {
  trace_id: string;
  duration_ms: number;
  /** Root first, then by start. */
  spans: KeptSpan[];
  /** Spans of the request left out (a bound of the trace buffer); absent when none. */
  truncated_spans?: number;
}

/** One stage's share of the slow requests' extra time. */
export interface TailStage {
  name: string;
  /** Mean self time of spans of this name per slow request. */
  slow_mean_ms: number;
  /** Mean self time of spans of this name per baseline (p25..p75) request. */
  baseline_mean_ms: number;
  delta_ms: number;
  /** delta_ms / (slow mean - baseline mean) of the root's duration. */
  share: number;
}

/** Where the slow requests' extra time goes, stage by stage. */
export interface TailAttribution {
  slow_quantile: number;
  slow_threshold_ms: number;
  slow_count: number;
  baseline_count: number;
  /** Sorted by delta_ms, largest first. */
  stages: TailStage[];
}

/** Attribution of the requests whose local root span has one name. */
export interface RequestEntry {
  root: string;
  count: number;
  /** Time inside the root that no leaf span covers, per request. */
  unattributed_ms: { mean: number; p50: number; p99: number; max: number };
  /** unattributed_ms / root duration, per request. */
  unattributed_share: { p50: number; p99: number };
  tail: TailAttribution;
  /** The K slowest requests, slowest first. */
  slowest: KeptTrace[];
  /** A few requests near the median. */
  typical: KeptTrace[];
  /** The mergeable (and subtractable) state the fields above are computed from. Always written;
   *  optional so that hand-made entries (tests, other tools) need not carry one. */
  state?: RequestState;
}

/** Requests whose root duration fell in one range: `bucket_width` consecutive sketch buckets. */
export interface RequestBucket {
  /** floor(sketch bucket index of the root duration / bucket_width). */
  index: number;
  count: number;
  /** Sum of the root durations. */
  root_ms: number;
  /** Sum of self time per span name over these requests (the root's own included). */
  stages: Record<string, number>;
}

/** The state of a RequestEntry: sketches and per-bucket sums that add when documents merge. */
export interface RequestState {
  version: number;
  bucket_width: number;
  /** Root durations. */
  duration: SketchState;
  unattributed: SketchState;
  /** Unattributed time over root duration, 0..1 (a sketch over [1e-6, 1]). */
  share: SketchState;
  /** Ordered by index; only non-empty ones. */
  buckets: RequestBucket[];
}

/** A shared resource (worker pool, NPU columns, admission) over the document's window. */
export interface ResourceEntry {
  name: string;
  /** Units that can be busy at once: threads, columns, slots. */
  capacity: number;
  /** busy_ms / (capacity * window_ms), 0..1. */
  utilization: number;
  /** Unit-milliseconds busy in the window. */
  busy_ms: number;
  window_ms: number;
  /** Time-averaged number of waiters in the window. */
  queue_mean: number;
  /** Most waiters at once in the window. */
  queue_max: number;
  /** Units busy when the document was made. */
  in_use: number;
  /** Waiters when the document was made. */
  queued: number;
  /** Waiter-milliseconds queued in the window (queue_mean * window_ms), so entries add exactly.
   *  Always written; when absent, queue_mean * window_ms. */
  queue_ms?: number;
}

/** The quantiles every statistics entry carries, with their field names. */
export const QUANTILE_FIELDS = [
  [0.5, 'p50_ms'],
  [0.9, 'p90_ms'],
  [0.95, 'p95_ms'],
  [0.99, 'p99_ms'],
  [0.999, 'p999_ms'],
] as const;

/** Separator of path names in `PathEntry.path`. */
export const PATH_SEPARATOR = '/';
