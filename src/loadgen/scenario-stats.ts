/**
 * Per-scenario statistics, recorded request by request in O(1) with no per-sample storage:
 * mergeable LogHistogram sketches (1% relative error, microsecond floor) for latency, service
 * time, time to first byte and send lag, counters and the error taxonomy, and the few slowest
 * requests with their trace ids, and when requests completed (a bounded series, for throughput
 * intervals).
 */
import { LogHistogram } from '../rollup/sketch.ts';
import { CompletionSeries } from './completion-series.ts';

/** How many of the slowest requests a scenario reports. */
export const SLOWEST_KEPT = 5;

export interface SlowRequest {
  /** Null when neither a client span nor a `traceresponse` header named the trace. */
  trace_id: string | null;
  latency_ms: number;
  /** `ok` or the failure type. */
  outcome: string;
}

export interface Percentiles {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** One finished measured request. Times are performance.now() milliseconds. */
export interface RequestSample {
  ok: boolean;
  failure: string | undefined;
  /** When the request should have started: the send time (closed) or its slot (open). */
  intendedAtMs: number;
  sentAtMs: number;
  headersAtMs: number;
  endAtMs: number;
  /** Null when neither the file nor the answer said how long the audio was. */
  audioS: number | null;
  /** The client span's trace id, if any. */
  traceId: string | undefined;
  traceResponse: string | undefined;
}

const TRACE_RESPONSE = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

function traceIdOf(sample: RequestSample): string | null {
  if (sample.traceId) return sample.traceId;
  const match = sample.traceResponse ? TRACE_RESPONSE.exec(sample.traceResponse.trim()) : null;
  return match ? match[1]! : null;
}

/** Rounds to microseconds: the resolution the sketches and the clock honestly have. */
export function micros(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : ms;
}

/** mean/p50/p90/p95/p99/max of a sketch, in ms at microsecond resolution; null when empty. */
export function percentiles(histogram: LogHistogram): Percentiles | null {
  if (histogram.count === 0) return null;
  return {
    mean: micros(histogram.sum / histogram.count),
    p50: micros(histogram.quantile(0.5)),
    p90: micros(histogram.quantile(0.9)),
    p95: micros(histogram.quantile(0.95)),
    p99: micros(histogram.quantile(0.99)),
    max: micros(histogram.max),
  };
}

/** Accumulates one scenario's measured requests. */
export class ScenarioStats {
  /** Successful requests, from the intended start to the last body byte. */
  readonly latency = new LogHistogram();
  /** Successful requests, from the actual send to the last body byte. */
  readonly serviceTime = new LogHistogram();
  /** Successful requests, from the actual send to the response headers. */
  readonly ttfb = new LogHistogram();
  /** How late each request left against its intended start (open model). */
  readonly sendLag = new LogHistogram();
  succeeded = 0;
  failed = 0;
  /** Audio seconds of successful requests only (those whose length is known). */
  audioS = 0;
  /** Successful requests whose audio length nobody stated: then the scenario's audio seconds are unknown. */
  audioUnknown = 0;
  /** Open model: measured requests due while the in-flight cap was reached, sent once a place was free. */
  late = 0;
  readonly errors = new Map<string, number>();
  readonly slowest: SlowRequest[] = [];
  /** Completions and audio over time since `measureStartMs`. */
  readonly completions = new CompletionSeries();
  /** When measuring began (performance.now() ms): the completion series' origin. */
  measureStartMs = 0;

  get completed(): number {
    return this.succeeded + this.failed;
  }

  record(sample: RequestSample): void {
    const latencyMs = sample.endAtMs - sample.intendedAtMs;
    this.sendLag.add(sample.sentAtMs - sample.intendedAtMs);
    this.completions.record(sample.endAtMs - this.measureStartMs, sample.ok ? (sample.audioS ?? 0) : 0);
    if (sample.ok) {
      this.succeeded++;
      if (sample.audioS === null) this.audioUnknown++;
      else this.audioS += sample.audioS;
      this.latency.add(latencyMs);
      this.serviceTime.add(sample.endAtMs - sample.sentAtMs);
      this.ttfb.add(sample.headersAtMs - sample.sentAtMs);
    } else {
      this.failed++;
      const key = sample.failure ?? 'connection';
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
    this.#keepIfSlow(sample, latencyMs);
  }

  #keepIfSlow(sample: RequestSample, latencyMs: number): void {
    const list = this.slowest;
    if (list.length === SLOWEST_KEPT && latencyMs <= list[list.length - 1]!.latency_ms) return;
    const entry: SlowRequest = {
      trace_id: traceIdOf(sample),
      latency_ms: micros(latencyMs),
      outcome: sample.ok ? 'ok' : (sample.failure ?? 'connection'),
    };
    let at = list.length;
    while (at > 0 && list[at - 1]!.latency_ms < entry.latency_ms) at--;
    list.splice(at, 0, entry);
    if (list.length > SLOWEST_KEPT) list.pop();
  }

  /** Errors as a plain, key-sorted object. */
  errorsObject(): Record<string, number> {
    return Object.fromEntries([...this.errors].sort(([a], [b]) => a.localeCompare(b)));
  }
}
