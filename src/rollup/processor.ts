/**
 * RollupSpanProcessor: a SpanProcessor that turns span durations into percentile statistics per
 * span name and per path, and requests into unattributed time, tail attribution and kept trees, in
 * bounded memory, beside the exporting processor.
 *
 * The span's own path does almost nothing: onStart marks the span context as this processor's
 * (so a child can tell a local parent from another provider's), onEnd puts the span into a
 * preallocated ring. The ring is aggregated in batches (span-aggregator.ts), as the SDK's
 * BatchSpanProcessor exports: on the next turn of the event loop once it is half full, at once
 * when it is full, on an unref'd timer, and before every read (summary, rotate, reset, flush), so
 * every reader sees every span that ended. Neither hook throws: MultiSpanProcessor does not
 * catch, so a throw here would break span.end() for every processor after this one. Internal
 * errors are counted in the document instead.
 */
import { type Context, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ResourceSource } from '../telemetry/resource-meter.ts';
import { buildDocument } from './build-document.ts';
import type { ResourceEntry, SpanSummaryDocument } from './document.ts';
import { DEFAULT_SLOWEST, DEFAULT_TYPICAL } from './kept-traces.ts';
import { ResourceWindows } from './resources.ts';
import { RollupWindow } from './rollup-window.ts';
import type { LogHistogramOptions } from './sketch.ts';
import { SpanAggregator } from './span-aggregator.ts';
import { SpanNode } from './span-node.ts';
import { DEFAULT_SLOW_QUANTILE } from './tail.ts';

export interface RollupSpanProcessorOptions {
  /** service.name for the document. Default OTEL_SERVICE_NAME, else `unknown_service`. */
  serviceName?: string;
  /** Spans the exporter dropped so far (e.g. TelemetryHandle.droppedSpans). */
  droppedSpans?: () => number;
  /** Describes the sampler in the document; default from OTEL_TRACES_SAMPLER(_ARG). */
  sampler?: string;
  /** Leave out the first N spans that end (any name). Default 0. */
  warmupSpans?: number;
  /** Leave out spans that end within this many ms of the processor's start (or reset). Default 0. */
  warmupMs?: number;
  /** Rotate the interval window every this many ms (see summary({ window: 'interval' })). Default: never. */
  intervalMs?: number;
  /** Distinct span names tracked; spans of further names are counted in overflow.names. Default 256. */
  maxNames?: number;
  /** Distinct paths tracked; spans on further paths count by name only. Default 256. */
  maxPaths?: number;
  /** @deprecated Ignored: spans keep no state while in flight (see `batchSize`). */
  maxInFlight?: number;
  /** Ended spans held before they are aggregated in one batch (also on a timer and before every
   *  read). Default 2048. */
  batchSize?: number;
  /** How long a trace's spans wait for their local root after the trace's last span ended; then
   *  they are aggregated without it (paths of their own, no request). Default 60 000 ms. */
  traceWaitMs?: number;
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
}

export interface SummaryOptions {
  /** `cumulative` (default): since start or reset. `interval`: the last completed interval, or
   *  the current one when none has completed. */
  window?: 'cumulative' | 'interval';
}

const INTERNAL: number = SpanKind.INTERNAL;
const STATUS_ERROR: number = SpanStatusCode.ERROR;
const SAMPLED: number = TraceFlags.SAMPLED;
/** How often the ring is aggregated when it does not fill, and quiet traces are looked for. */
const DRAIN_INTERVAL_MS = 1000;

function serviceNameFromEnv(): string {
  return process.env.OTEL_SERVICE_NAME || 'unknown_service';
}

function samplerFromEnv(): string {
  const sampler = process.env.OTEL_TRACES_SAMPLER || 'parentbased_always_on';
  const arg = process.env.OTEL_TRACES_SAMPLER_ARG;
  return arg ? `${sampler}(${arg})` : sampler;
}

/** A span context as the SDK makes it: a plain extensible object. */
type Tagged = Record<symbol, number | undefined>;

/** Percentile rollups of span durations per name and per path; `summary()` returns the document. */
export class RollupSpanProcessor implements SpanProcessor {
  readonly #options: RollupSpanProcessorOptions;
  /** Marks the span contexts of spans this processor saw start. */
  readonly #tag = Symbol('amanuensis rollup');
  readonly #ring: (ReadableSpan | undefined)[];
  #ended = 0;
  /** Ended spans at which onEnd next acts: half the ring (schedule a batch), then all of it (run it). */
  #actAt: number;
  #scheduled = false;
  readonly #aggregator: SpanAggregator;
  readonly #closed: RollupWindow;
  readonly #resources: ResourceWindows;
  readonly #slowQuantile: number;
  readonly #traceWaitMs: number;
  #rotations = 0;
  #lastInterval: SpanSummaryDocument | undefined;
  #warmingUp: boolean;
  #warmupSeen = 0;
  #warmupUntilMs = 0;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(options: RollupSpanProcessorOptions = {}) {
    this.#options = { ...options };
    const slowQuantile = options.slowQuantile ?? DEFAULT_SLOW_QUANTILE;
    this.#slowQuantile = slowQuantile;
    if (!(slowQuantile > 0 && slowQuantile < 1))
      throw new RangeError(`slowQuantile must be in (0, 1), got ${slowQuantile}`);
    const batchSize = options.batchSize ?? 2048;
    if (!(Number.isInteger(batchSize) && batchSize > 0 && batchSize <= 1 << 20))
      throw new RangeError(`batchSize must be an integer from 1 to ${1 << 20}, got ${batchSize}`);
    this.#ring = new Array<ReadableSpan | undefined>(batchSize).fill(undefined);
    this.#actAt = Math.max(1, batchSize >> 1);
    this.#traceWaitMs = options.traceWaitMs ?? 60_000;
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
        completedTraces: 64,
      },
      now,
    );
    this.#closed = new RollupWindow(now, options.sketch);
    this.#resources = new ResourceWindows(options.resources ?? []);
    this.#warmingUp = false;
    this.#startWarmup(now);
    this.#every(DRAIN_INTERVAL_MS, (self) => {
      self.#drain();
      self.#aggregator.expire(Date.now() - self.#traceWaitMs);
    });
    if (options.intervalMs !== undefined && options.intervalMs > 0)
      this.#every(options.intervalMs, (self) => self.rotate());
  }

  onStart(span: Span, _parentContext: Context): void {
    try {
      (span.spanContext() as unknown as Tagged)[this.#tag] = 1;
    } catch {
      // A frozen context: its children will take it for another provider's span.
      this.#aggregator.window.counters.inFlightOverflow++;
    }
  }

  onEnd(span: ReadableSpan): void {
    const ended = this.#ended;
    this.#ring[ended] = span;
    this.#ended = ended + 1;
    if (ended + 1 >= this.#actAt) this.#filling();
  }

  /** The summary document: cumulative (default) or the last interval. */
  summary(options: SummaryOptions = {}): SpanSummaryDocument {
    this.#drain();
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
    this.#drain();
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
    this.#drain();
    const now = Date.now();
    this.#aggregator.window.reset(now);
    this.#closed.reset(now);
    this.#aggregator.requests.reset();
    this.#resources.reset();
    this.#rotations = 0;
    this.#lastInterval = undefined;
    this.#startWarmup(now);
  }

  forceFlush(): Promise<void> {
    this.#drain();
    return Promise.resolve();
  }

  /** Aggregates everything, waiting spans included, and stops the timers. */
  shutdown(): Promise<void> {
    this.#drain();
    this.#aggregator.flushAll();
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
    return Promise.resolve();
  }

  /** Runs `task` every `ms` while this processor lives: the timer holds it weakly, so a processor
   *  dropped without shutdown() is collected and its timers stop. */
  #every(ms: number, task: (self: RollupSpanProcessor) => void): void {
    const self = new WeakRef<RollupSpanProcessor>(this);
    const timer = setInterval(() => {
      const processor = self.deref();
      if (processor === undefined) clearInterval(timer);
      else task(processor);
    }, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Half full: aggregate on the next turn; full: now. */
  #filling(): void {
    if (this.#ended >= this.#ring.length) {
      this.#drain();
      return;
    }
    this.#actAt = this.#ring.length;
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  /** Aggregates the spans in the ring, in the order they ended. */
  #drain(): void {
    this.#scheduled = false;
    this.#actAt = Math.max(1, this.#ring.length >> 1);
    const ended = this.#ended;
    if (ended === 0) return;
    this.#ended = 0;
    const ring = this.#ring;
    const now = Date.now();
    for (let i = 0; i < ended; i++) {
      const span = ring[i];
      ring[i] = undefined;
      try {
        this.#take(span!, now);
      } catch {
        this.#aggregator.window.counters.internalErrors++;
      }
    }
  }

  /** The adapter: a ReadableSpan as the node the aggregator takes. */
  #take(span: ReadableSpan, now: number): void {
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    const start = span.startTime;
    const duration = span.duration;
    let durationMs = duration[0] * 1e3 + duration[1] / 1e6;
    if (!(durationMs >= 0 && durationMs < Infinity)) durationMs = 0;
    const node = new SpanNode(
      context.traceId,
      context.spanId,
      parent?.spanId ?? '',
      parent === undefined || parent.isRemote === true || (parent as unknown as Tagged)[this.#tag] !== 1,
      span.name,
      span.kind === INTERNAL,
      start[0] * 1e3 + start[1] / 1e6,
      durationMs,
      span.status.code === STATUS_ERROR,
      (context.traceFlags & SAMPLED) !== 0,
    );
    let skip = false;
    if (this.#warmingUp) {
      skip = this.#skipForWarmup(span, now);
      if (skip) this.#aggregator.window.counters.warmupSkipped++;
    }
    this.#aggregator.add(node, skip, now);
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
    this.#warmingUp = (this.#options.warmupSpans ?? 0) > 0 || (this.#options.warmupMs ?? 0) > 0;
  }

  /** True while `span` falls in the warm-up; on the first span after it, counting starts. */
  #skipForWarmup(span: ReadableSpan, now: number): boolean {
    if (
      this.#warmupSeen < (this.#options.warmupSpans ?? 0) ||
      span.endTime[0] * 1e3 + span.endTime[1] / 1e6 < this.#warmupUntilMs
    ) {
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
