/**
 * The load-results document (`--out`, and what `runSuite` returns): the contract's fields per
 * scenario plus the error taxonomy, time to first byte, service time and send lag for open-model
 * runs, the client's own event-loop delay, and the server's stage breakdown when available.
 */
import type { SketchState } from '../rollup/sketch.ts';
import type { CompletionSeriesState } from './completion-series.ts';
import { audioLabel } from './options.ts';
import type { ScenarioRun } from './run-scenario.ts';
import { micros, type Percentiles, percentiles, type SlowRequest } from './scenario-stats.ts';
import type { StageBreakdown } from './stage-diff.ts';
import type { ThresholdCheck, ThresholdValues } from './thresholds.ts';

export const RESULTS_SCHEMA_VERSION = 1;

/** Percentiles in ms; every field null when there was nothing to measure. */
export type PercentilesOrNull = { [K in keyof Percentiles]: number | null };

export interface ScenarioResult {
  name: string;
  model: 'closed' | 'open';
  streams?: number;
  rate?: number;
  audio: string;
  /** Requests sent before measuring; in no statistic. */
  warmup: number;
  /** Measured requests that completed (succeeded + failed). */
  requests: number;
  succeeded: number;
  failed: number;
  errors: Record<string, number>;
  wall_s: number;
  /** Audio seconds of successful requests; null when a success's length is unknown (neither its file nor its answer said). */
  audio_s: number | null;
  /** audio_s / wall_s: successes only; null when audio_s is. */
  throughput_rtf: number | null;
  /** requests / wall_s: every completed request. */
  requests_per_s: number;
  /** Successful requests; for an open model measured from the intended start (coordinated-omission corrected). */
  latency_ms: PercentilesOrNull;
  /** Successful requests from the actual send (open model only; equals latency_ms for a closed model). */
  service_time_ms?: PercentilesOrNull;
  /** Successful requests, send to response headers. */
  ttfb_ms: PercentilesOrNull;
  /** latency_ms's mergeable sketch: the per-request samples `compare` resamples. Absent in older files. */
  latency_sketch?: SketchState;
  /** When requests completed, binned: what `compare` resamples for a throughput interval. Absent in older files. */
  completions?: CompletionSeriesState;
  /** How late requests left against their intended start (open model only). */
  send_lag_ms?: PercentilesOrNull;
  /** Open model only: the cap on requests in flight (`--max-in-flight`), null when unbounded. */
  max_in_flight?: number | null;
  /** Open model only: measured requests due while the cap was reached, sent when a place was free. */
  late?: number;
  /** The load generator's own event-loop delay: high values mean the client, not the server, was slow. */
  client_event_loop_delay_p99_ms: number;
  client_event_loop_delay_max_ms: number;
  slowest: SlowRequest[];
  /** Server spans made during the scenario, per name; null when the target has no span summary. */
  server_stages?: StageBreakdown | null;
}

export interface LoadResults {
  schema_version: number;
  target: string;
  /** The transcription path below `target` (query values removed); absent in older documents. */
  path?: string;
  started_at: string;
  finished_at: string;
  suite: string | null;
  client: { trace: boolean; timeout_s: number };
  scenarios: ScenarioResult[];
  /** (throughput_rtf at 8 streams / at 4 streams) / 2 for the first same-audio pair; null without one. */
  scaling_efficiency: number | null;
  thresholds: ThresholdCheck[];
}

const round = (value: number, digits: number): number =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value;

function orNull(p: Percentiles | null): PercentilesOrNull {
  return p ?? { mean: null, p50: null, p90: null, p95: null, p99: null, max: null };
}

/** Builds one scenario's result from what the runner measured. */
export function scenarioResult(run: ScenarioRun, stages: StageBreakdown | null | undefined): ScenarioResult {
  const { spec, stats, wallS } = run;
  const requests = stats.completed;
  const open = spec.model === 'open';
  const audioS = stats.audioUnknown > 0 ? null : stats.audioS;
  const result: ScenarioResult = {
    name: spec.name,
    model: spec.model,
    ...(open ? { rate: spec.rate! } : { streams: spec.streams! }),
    audio: audioLabel(spec.audio),
    warmup: spec.warmup,
    requests,
    succeeded: stats.succeeded,
    failed: stats.failed,
    errors: stats.errorsObject(),
    wall_s: round(wallS, 6),
    audio_s: audioS === null ? null : round(audioS, 6),
    throughput_rtf: audioS === null ? null : wallS > 0 ? round(audioS / wallS, 4) : 0,
    requests_per_s: wallS > 0 ? round(requests / wallS, 3) : 0,
    latency_ms: orNull(percentiles(stats.latency)),
    ...(open ? { service_time_ms: orNull(percentiles(stats.serviceTime)) } : {}),
    ttfb_ms: orNull(percentiles(stats.ttfb)),
    ...(open
      ? { send_lag_ms: orNull(percentiles(stats.sendLag)), max_in_flight: spec.maxInFlight ?? null, late: stats.late }
      : {}),
    client_event_loop_delay_p99_ms: micros(run.eventLoopDelayP99Ms),
    client_event_loop_delay_max_ms: micros(run.eventLoopDelayMaxMs),
    slowest: [...stats.slowest],
    latency_sketch: stats.latency.toJSON(),
    completions: stats.completions.toJSON(),
  };
  if (stages !== undefined) result.server_stages = stages;
  return result;
}

/** (rtf at 8 streams / rtf at 4 streams) / 2 for the first 4- and 8-stream closed scenarios with the same audio. */
export function scalingEfficiency(scenarios: readonly ScenarioResult[]): number | null {
  for (const four of scenarios) {
    if (four.streams !== 4) continue;
    const eight = scenarios.find((s) => s.streams === 8 && s.audio === four.audio);
    if (eight?.throughput_rtf != null && four.throughput_rtf != null && four.throughput_rtf > 0)
      return round(eight.throughput_rtf / four.throughput_rtf / 2, 4);
  }
  return null;
}

/** The numbers a threshold can read from a scenario (NaN where undefined). */
export function thresholdValues(result: ScenarioResult): ThresholdValues {
  const n = (value: number | null): number => value ?? NaN;
  return {
    mean: n(result.latency_ms.mean),
    p50: n(result.latency_ms.p50),
    p90: n(result.latency_ms.p90),
    p95: n(result.latency_ms.p95),
    p99: n(result.latency_ms.p99),
    max: n(result.latency_ms.max),
    ttfb_p50: n(result.ttfb_ms.p50),
    ttfb_p99: n(result.ttfb_ms.p99),
    success: result.requests > 0 ? result.succeeded / result.requests : NaN,
    failed: result.failed,
    rps: result.requests_per_s,
    rtf: n(result.throughput_rtf),
  };
}
