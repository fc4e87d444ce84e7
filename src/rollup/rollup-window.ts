/**
 * The statistics of one time window as DurationStats: per path, per name for spans without a path,
 * the window's counters and its requests. The aggregator records into the current one; closed
 * intervals are merged into another, so a span is recorded once however many windows are
 * reported.
 */

import { DurationStats } from './duration-stats.ts';
import type { RequestStats } from './request-stats.ts';
import type { LogHistogramOptions } from './sketch.ts';

export interface WindowCounters {
  warmupSkipped: number;
  unsampled: number;
  nameOverflow: number;
  pathOverflow: number;
  inFlightOverflow: number;
  internalErrors: number;
  /** Traces evicted while waiting for their local root. */
  traceOverflow: number;
  /** Spans left out of their request (a bound reached, or they ended after the root). */
  traceSpanOverflow: number;
  /** Requests whose root name found no room among the request tables. */
  rootOverflow: number;
}

/** Counters at zero. */
export function zeroCounters(): WindowCounters {
  return {
    warmupSkipped: 0,
    unsampled: 0,
    nameOverflow: 0,
    pathOverflow: 0,
    inFlightOverflow: 0,
    internalErrors: 0,
    traceOverflow: 0,
    traceSpanOverflow: 0,
    rootOverflow: 0,
  };
}

export class RollupWindow {
  /** Indexed by path id. */
  readonly paths: (DurationStats | undefined)[] = [];
  /** Indexed by name id: spans of that name that have no path (overflow, unknown start). */
  readonly unpathed: (DurationStats | undefined)[] = [];
  readonly counters: WindowCounters = zeroCounters();
  /** Request attribution by root span name. */
  readonly requests = new Map<string, RequestStats>();
  startMs: number;
  readonly #sketchOptions: LogHistogramOptions | undefined;

  constructor(startMs: number, sketchOptions?: LogHistogramOptions) {
    this.startMs = startMs;
    this.#sketchOptions = sketchOptions;
  }

  /** The statistics of path `id`, created on first use. */
  path(id: number): DurationStats {
    this.paths[id] ??= new DurationStats(this.#sketchOptions);
    return this.paths[id];
  }

  /** The path-less statistics of name `id`, created on first use. */
  unpathedName(id: number): DurationStats {
    this.unpathed[id] ??= new DurationStats(this.#sketchOptions);
    return this.unpathed[id];
  }

  /** Adds `other`'s statistics and counters into this window. */
  merge(other: RollupWindow): void {
    other.paths.forEach((stats, id) => {
      if (stats && stats.count > 0) this.path(id).merge(stats);
    });
    other.unpathed.forEach((stats, id) => {
      if (stats && stats.count > 0) this.unpathedName(id).merge(stats);
    });
    for (const key of Object.keys(this.counters) as (keyof WindowCounters)[]) this.counters[key] += other.counters[key];
    for (const [root, stats] of other.requests) {
      const mine = this.requests.get(root);
      // A copy, never `other`'s object: this window's later merges must not change `other`.
      if (mine) mine.merge(stats);
      else this.requests.set(root, stats.copy());
    }
  }

  /** A fresh window holding this one's and `other`'s data; neither is changed. */
  combinedWith(other: RollupWindow): RollupWindow {
    const combined = new RollupWindow(Math.min(this.startMs, other.startMs), this.#sketchOptions);
    combined.merge(this);
    combined.merge(other);
    return combined;
  }

  /** Empties the window (keeping its memory) and starts it at `startMs`. */
  reset(startMs: number): void {
    for (const stats of this.paths) stats?.reset();
    for (const stats of this.unpathed) stats?.reset();
    for (const key of Object.keys(this.counters) as (keyof WindowCounters)[]) this.counters[key] = 0;
    this.requests.clear();
    this.startMs = startMs;
  }
}
