/**
 * The rollup engine behind every span source: it takes ended spans as SpanNodes, aggregates them
 * (span-aggregator.ts) into the current window, rotates and merges interval windows, leaves out
 * the warm-up, and builds the summary document. RollupSpanProcessor feeds it from the SDK's
 * onEnd; `amanuensis collect` (src/collect) feeds it from OTLP exports.
 *
 * Timers (the completion wait, the interval rotation) hold the engine weakly, so an engine dropped
 * without shutdown() is collected and its timers stop.
 */

import type { ResourceSource } from '../telemetry/resource-meter.ts';
import { buildDocument } from './build-document.ts';
import type { ResourceEntry, SpanSummaryDocument } from './document.ts';
import { DEFAULT_SLOWEST, DEFAULT_TYPICAL } from './kept-traces.ts';
import { ResourceWindows } from './resources.ts';
import { RollupWindow } from './rollup-window.ts';
import type { LogHistogramOptions } from './sketch.ts';
import { SpanAggregator } from './span-aggregator.ts';
import type { SpanNode } from './span-node.ts';
import { DEFAULT_SLOW_QUANTILE } from './tail.ts';

/** The engine's choices and bounds; every source of spans takes these. */
export interface RollupEngineOptions {
  /** service.name for the document. Default OTEL_SERVICE_NAME, else `unknown_service`. */
  serviceName?: string;
  /** Spans the exporter dropped so far (e.g. TelemetryHandle.droppedSpans). */
  droppedSpans?: () => number;
  /** Describes the sampler in the document; default from OTEL_TRACES_SAMPLER(_ARG). */
  sampler?: string;
  /** Leave out the first N spans that end (any name). Default 0. */
  warmupSpans?: number;
  /** Leave out spans that end within this many ms of the engine's start (or reset). Default 0. */
  warmupMs?: number;
  /** Rotate the interval window every this many ms (see summary({ window: 'interval' })). Default: never. */
  intervalMs?: number;
  /** Distinct span names tracked; spans of further names are counted in overflow.names. Default 256. */
  maxNames?: number;
  /** Distinct paths tracked; spans on further paths count by name only. Default 256. */
  maxPaths?: number;
  /** How long a trace's spans wait for their local root after the trace's last span ended; then
   *  they are aggregated without it (paths of their own, no request). Default 60 000 ms. Not used
   *  with `completionWaitMs`. */
  traceWaitMs?: number;
  /** When set, a trace is aggregated once no span of it has arrived for this many ms, not when a
   *  local root arrives: spans from the network come in any order. See SpanAggregatorOptions. */
  completionWaitMs?: number;
  /** Sketch parameters (relative accuracy, trackable range). */
  sketch?: LogHistogramOptions;
  /** Request attribution (the `requests` entries: unattributed time, tail, kept traces). Default
   *  true; false leaves `requests` empty and saves its cost per span (docs/rollups.md, Cost). */
  attribution?: boolean;
  /** Shared resources (worker pool, NPU columns, admission) whose utilization the document reports. */
  resources?: readonly ResourceSource[];
  /** Requests at or above this quantile of their root's duration are the slow ones of `tail`. Default 0.95. */
  slowQuantile?: number;
  /** Complete span trees kept per root name: the slowest requests (default 5) and typical ones (default 3). */
  keepSlowest?: number;
  keepTypical?: number;
  /** Root span names with request attribution; requests of further names count in overflow.roots. Default 16. */
  maxRoots?: number;
  /** Traces whose spans wait at once for their local root. Default 1024. */
  maxTraces?: number;
  /** Spans waiting per trace (a kept trace holds at most this many besides its root). Default 2048. */
  maxSpansPerTrace?: number;
  /** Spans waiting in all. Default 32768. */
  maxBufferedSpans?: number;
  /** Completed traces kept findable for spans that arrive after their trace was aggregated. Default 64. */
  completedTraces?: number;
}

export interface SummaryOptions {
  /** `cumulative` (default): since start or reset. `interval`: the last completed interval, or
   *  the current one when none has completed. */
  window?: 'cumulative' | 'interval';
}

/** How often quiet traces are looked for: every second, or a quarter of a shorter wait, but not
 *  more often than every 10 ms (a wait of 0 would otherwise spin a 1 ms timer). */
const TICK_MS = 1000;
const MIN_TICK_MS = 10;

function serviceNameFromEnv(): string {
  return process.env.OTEL_SERVICE_NAME || 'unknown_service';
}

function samplerFromEnv(): string {
  const sampler = process.env.OTEL_TRACES_SAMPLER || 'parentbased_always_on';
  const arg = process.env.OTEL_TRACES_SAMPLER_ARG;
  return arg ? `${sampler}(${arg})` : sampler;
}

/** Percentile rollups of span nodes per name and per path; `summary()` returns the document. */
export class RollupEngine {
  readonly #options: RollupEngineOptions;
  readonly #aggregator: SpanAggregator;
  readonly #closed: RollupWindow;
  readonly #resources: ResourceWindows;
  readonly #slowQuantile: number;
  /** Quiet this long, a waiting trace is aggregated (completion wait, or the wait for a root). */
  readonly #quietMs: number;
  /** Called before every read and tick, so that a source's buffered spans are in. */
  readonly #beforeRead: () => void;
  #rotations = 0;
  #lastInterval: SpanSummaryDocument | undefined;
  #warmingUp = false;
  #warmupSeen = 0;
  #warmupUntilMs = 0;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(options: RollupEngineOptions = {}, beforeRead: () => void = () => {}) {
    this.#options = { ...options };
    this.#beforeRead = beforeRead;
    const slowQuantile = options.slowQuantile ?? DEFAULT_SLOW_QUANTILE;
    this.#slowQuantile = slowQuantile;
    if (!(slowQuantile > 0 && slowQuantile < 1))
      throw new RangeError(`slowQuantile must be in (0, 1), got ${slowQuantile}`);
    const completionWaitMs = options.completionWaitMs;
    if (completionWaitMs !== undefined && !(completionWaitMs >= 0 && completionWaitMs <= 3_600_000))
      throw new RangeError(`completionWaitMs must be from 0 to 3600000, got ${completionWaitMs}`);
    this.#quietMs = completionWaitMs ?? options.traceWaitMs ?? 60_000;
    const now = Date.now();
    this.#aggregator = new SpanAggregator(
      {
        maxNames: options.maxNames ?? 256,
        maxPaths: options.maxPaths ?? 256,
        sketch: options.sketch,
        attribution: options.attribution ?? true,
        maxRoots: options.maxRoots ?? 16,
        keepSlowest: options.keepSlowest ?? DEFAULT_SLOWEST,
        keepTypical: options.keepTypical ?? DEFAULT_TYPICAL,
        maxTraces: options.maxTraces ?? 1024,
        maxSpansPerTrace: options.maxSpansPerTrace ?? 2048,
        maxBufferedSpans: options.maxBufferedSpans ?? 32768,
        completedTraces: options.completedTraces ?? 64,
        completionWait: completionWaitMs !== undefined,
      },
      now,
    );
    this.#closed = new RollupWindow(now, options.sketch);
    this.#resources = new ResourceWindows(options.resources ?? []);
    this.#startWarmup(now);
    const tickMs = Math.max(MIN_TICK_MS, Math.min(TICK_MS, Math.ceil(this.#quietMs / 4)));
    this.#every(tickMs, (self) => self.tick(Date.now()));
    if (options.intervalMs !== undefined && options.intervalMs > 0)
      this.#every(options.intervalMs, (self) => self.rotate());
  }

  /** The aggregator's counters and bounds, for a source's health and metrics. */
  get aggregator(): SpanAggregator {
    return this.#aggregator;
  }

  /** Takes one ended span (never throws: a failure is counted in the document). */
  add(node: SpanNode, nowMs: number): void {
    try {
      let skip = false;
      if (this.#warmingUp) {
        skip = this.#skipForWarmup(node.startMs + node.durationMs, nowMs);
        if (skip) this.#aggregator.window.counters.warmupSkipped++;
      }
      this.#aggregator.add(node, skip, nowMs);
    } catch {
      this.#aggregator.window.counters.internalErrors++;
    }
  }

  /** Aggregates the traces that have been quiet for the wait (the timer calls it every second). */
  tick(nowMs: number): void {
    this.#beforeRead();
    try {
      this.#aggregator.expire(nowMs - this.#quietMs);
    } catch {
      this.#aggregator.window.counters.internalErrors++;
    }
  }

  /** The summary document: cumulative (default) or the last interval. */
  summary(options: SummaryOptions = {}): SpanSummaryDocument {
    this.#beforeRead();
    if (options.window === 'interval')
      return this.#lastInterval ?? this.#document(this.#current(), 'interval', this.#resources.interval());
    const current = this.#current();
    return this.#document(
      this.#rotations === 0 ? current : this.#closed.combinedWith(current),
      'cumulative',
      this.#resources.cumulative(),
    );
  }

  /** Ends the current interval window, returns its document and starts the next one. */
  rotate(): SpanSummaryDocument {
    this.#beforeRead();
    const interval = this.#current();
    const document = this.#document(interval, 'interval', this.#resources.rotate());
    this.#closed.merge(interval);
    interval.reset(Date.now());
    this.#aggregator.requests.reset();
    this.#rotations++;
    this.#lastInterval = document;
    return document;
  }

  /** Forgets all statistics and counters and starts over, warm-up included. Spans that ended
   *  before are forgotten; those still waiting for their local root count once it ends. */
  reset(): void {
    this.#beforeRead();
    const now = Date.now();
    this.#aggregator.window.reset(now);
    this.#closed.reset(now);
    this.#aggregator.requests.reset();
    this.#resources.reset();
    this.#rotations = 0;
    this.#lastInterval = undefined;
    this.#startWarmup(now);
  }

  /** Aggregates every waiting span now, without waiting for their traces to be quiet (e.g. at the
   *  end of a load run, before the last summary). Spans of those traces arriving later are late. */
  completeWaiting(): void {
    this.#beforeRead();
    try {
      this.#aggregator.flushAll();
    } catch {
      this.#aggregator.window.counters.internalErrors++;
    }
  }

  /** Aggregates everything, waiting spans included, and stops the timers. */
  shutdown(): void {
    this.#beforeRead();
    this.#aggregator.flushAll();
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
  }

  #every(ms: number, task: (self: RollupEngine) => void): void {
    const self = new WeakRef<RollupEngine>(this);
    const timer = setInterval(() => {
      const engine = self.deref();
      if (engine === undefined) clearInterval(timer);
      else task(engine);
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  /** The current window with its request tables. */
  #current(): RollupWindow {
    const window = this.#aggregator.window;
    window.requests.clear();
    for (const stats of this.#aggregator.requests.snapshot()) window.requests.set(stats.root, stats);
    return window;
  }

  #startWarmup(now: number): void {
    this.#warmupSeen = 0;
    const warmupMs = this.#options.warmupMs ?? 0;
    this.#warmupUntilMs = warmupMs > 0 ? now + warmupMs : -Infinity;
    this.#warmingUp = (this.#options.warmupSpans ?? 0) > 0 || warmupMs > 0;
  }

  /** True while a span ending at `endMs` falls in the warm-up; on the first span after it, counting starts. */
  #skipForWarmup(endMs: number, now: number): boolean {
    if (this.#warmupSeen < (this.#options.warmupSpans ?? 0) || endMs < this.#warmupUntilMs) {
      this.#warmupSeen++;
      return true;
    }
    this.#warmingUp = false;
    this.#aggregator.window.startMs = now;
    if (this.#rotations === 0) this.#closed.startMs = now;
    return false;
  }

  #document(window: RollupWindow, kind: 'cumulative' | 'interval', resources: ResourceEntry[]): SpanSummaryDocument {
    let dropped = 0;
    try {
      dropped = this.#options.droppedSpans?.() ?? 0;
    } catch {
      dropped = 0;
    }
    return buildDocument(window, this.#aggregator.registry, {
      serviceName: this.#options.serviceName ?? serviceNameFromEnv(),
      kind,
      endMs: Date.now(),
      droppedSpans: dropped,
      sampler: this.#options.sampler ?? samplerFromEnv(),
      sketchOptions: this.#options.sketch,
      slowQuantile: this.#slowQuantile,
      resources,
    });
  }
}
