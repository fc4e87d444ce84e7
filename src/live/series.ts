/**
 * The last minute of requests, second by second, taken from successive cumulative summaries of
 * one provider: each observation subtracts the previous one's request states (their root-duration
 * sketches subtract exactly), so a point holds exactly the requests the rollup saw finish in
 * between, with their latency quantiles. Needs nothing but the summary, so any summary provider
 * (the service's processor, `collect`'s) has the series without feeding it.
 */
import type { ResourceEntry, SpanSummaryDocument } from '../rollup/document.ts';
import { LogHistogram, type SketchState } from '../rollup/sketch.ts';
import { subtractSketch } from '../rollup/sketch-diff.ts';

/** Requests finished between two observations, and the resources' busy time in between. */
export interface SeriesPoint {
  /** End of the interval, ms since the epoch. */
  t: number;
  /** Length of the interval in ms. */
  interval_ms: number;
  requests: number;
  /** Roots that ended with status ERROR. */
  errors: number;
  /** Latency of the interval's requests; null when there were none. */
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** Per resource: unit-ms busy and the capacity in the interval. */
  resources: Record<string, { busy_ms: number; window_ms: number; capacity: number }>;
}

/** What one observation remembers of a summary to subtract from the next. */
interface Baseline {
  atMs: number;
  roots: Map<string, { duration: SketchState; errors: number }>;
  resources: Map<string, ResourceEntry>;
}

/** How far back the series reaches. */
export const SERIES_SPAN_MS = 60_000;
/** A bound whatever the clock does: two points a second for the span. */
const MAX_POINTS = 120;

function rootErrors(summary: SpanSummaryDocument, root: string): number {
  return summary.spans.find((entry) => entry.name === root)?.errors ?? 0;
}

function baselineOf(summary: SpanSummaryDocument, atMs: number): Baseline {
  const roots = new Map<string, { duration: SketchState; errors: number }>();
  for (const entry of summary.requests) {
    if (entry.state) roots.set(entry.root, { duration: entry.state.duration, errors: rootErrors(summary, entry.root) });
  }
  return { atMs, roots, resources: new Map(summary.resources.map((entry) => [entry.name, entry])) };
}

/** Rounds to microseconds: the page shows ms with a few decimals, the stream need not carry more. */
function rounded(value: number): number | null {
  return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null;
}

/** A bounded series of per-interval request counts and latencies over the last minute. */
export class RequestSeries {
  #baseline: Baseline | undefined;
  readonly #points: SeriesPoint[] = [];

  /** The points of the last minute, oldest first (copies need not be made: points never change). */
  get points(): readonly SeriesPoint[] {
    return this.#points;
  }

  /**
   * Adds the interval since the previous observation. The first observation (and the first after
   * `pause`, or after the provider started over: a count went down) only sets the baseline.
   */
  observe(summary: SpanSummaryDocument, atMs: number): void {
    const next = baselineOf(summary, atMs);
    const previous = this.#baseline;
    this.#baseline = next;
    if (previous !== undefined && atMs > previous.atMs) {
      const point = this.#difference(previous, next);
      if (point) this.#points.push(point);
    }
    const oldest = atMs - SERIES_SPAN_MS;
    while (this.#points.length > 0 && (this.#points.length > MAX_POINTS || this.#points[0]!.t <= oldest))
      this.#points.shift();
  }

  /** Forgets the baseline (nobody is watching); the next observation starts a new one. */
  pause(): void {
    this.#baseline = undefined;
  }

  #difference(before: Baseline, after: Baseline): SeriesPoint | undefined {
    const latency = new LogHistogram(this.#sketchOptions(after));
    let requests = 0;
    let errors = 0;
    for (const [root, now] of after.roots) {
      const then = before.roots.get(root);
      if (then && now.duration.count < then.duration.count) return undefined;
      const delta = then ? subtractSketch(now.duration, then.duration) : now.duration;
      requests += delta.count;
      errors += Math.max(0, now.errors - (then?.errors ?? 0));
      if (delta.count > 0) latency.merge(LogHistogram.fromJSON(delta));
    }
    const resources: SeriesPoint['resources'] = {};
    for (const [name, now] of after.resources) {
      const then = before.resources.get(name);
      if (!then || now.window_ms < then.window_ms) continue;
      resources[name] = {
        busy_ms: rounded(Math.max(0, now.busy_ms - then.busy_ms)) ?? 0,
        window_ms: rounded(now.window_ms - then.window_ms) ?? 0,
        capacity: now.capacity,
      };
    }
    return {
      t: after.atMs,
      interval_ms: after.atMs - before.atMs,
      requests,
      errors,
      p50_ms: rounded(latency.quantile(0.5)),
      p99_ms: rounded(latency.quantile(0.99)),
      max_ms: rounded(latency.quantile(1)),
      resources,
    };
  }

  #sketchOptions(baseline: Baseline): ConstructorParameters<typeof LogHistogram>[0] {
    const any = baseline.roots.values().next().value?.duration;
    return any
      ? {
          relativeAccuracy: any.relative_accuracy,
          minTrackableMs: any.min_trackable_ms,
          maxTrackableMs: any.max_trackable_ms,
        }
      : {};
  }
}
