/**
 * RollupSpanProcessor: a SpanProcessor that turns span durations into percentile statistics per
 * span name and per path, in bounded memory, beside the exporting processor.
 *
 * onStart keeps a small in-flight record per span (path, start, time of its children so far) in
 * preallocated typed arrays, keyed by span id; onEnd moves the span's duration into its path's
 * statistics and into its parent's children time. Neither keeps a reference to the span, and
 * neither throws: MultiSpanProcessor does not catch, so a throw here would break span.end() for
 * every processor after this one. Internal errors are counted in the document instead.
 */
import { SpanKind, SpanStatusCode, TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanSummaryDocument } from './document.ts';
import { InFlightTable, NO_SLOT } from './in-flight.ts';
import { NO_NAME, NO_PATH, ROOT_PATH, SpanRegistry } from './registry.ts';
import type { LogHistogramOptions } from './sketch.ts';
import type { SpanStats } from './stats.ts';
import { buildDocument } from './summarize.ts';
import { RollupWindow } from './window.ts';

export interface RollupSpanProcessorOptions {
  /** service.name for the document. */
  serviceName: string;
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
  /** Spans tracked in flight at once (for paths and self time); beyond it the span that started
   *  longest ago loses its slot. Default 4096, at most 65536. */
  maxInFlight?: number;
  /** Sketch parameters (relative accuracy, trackable range). */
  sketch?: LogHistogramOptions;
}

export interface SummaryOptions {
  /** `cumulative` (default): since start or reset. `interval`: the last completed interval, or
   *  the current one when none has completed. */
  window?: 'cumulative' | 'interval';
}

// Enum values copied into module constants: reading them through the CommonJS import on every
// span costs more than the rest of onStart.
const INTERNAL: number = SpanKind.INTERNAL;
const STATUS_ERROR: number = SpanStatusCode.ERROR;
const SAMPLED: number = TraceFlags.SAMPLED;

function hrToMs(time: readonly [number, number]): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

function samplerFromEnv(): string {
  const sampler = process.env.OTEL_TRACES_SAMPLER || 'parentbased_always_on';
  const arg = process.env.OTEL_TRACES_SAMPLER_ARG;
  return arg ? `${sampler}(${arg})` : sampler;
}

/** Percentile rollups of span durations per name and per path; `summary()` returns the document. */
export class RollupSpanProcessor implements SpanProcessor {
  readonly #options: RollupSpanProcessorOptions;
  readonly #registry: SpanRegistry;
  readonly #inFlight: InFlightTable;
  #current: RollupWindow;
  readonly #closed: RollupWindow;
  #rotations = 0;
  #lastInterval: SpanSummaryDocument | undefined;
  #warmingUp: boolean;
  #warmupSeen = 0;
  #warmupUntilMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RollupSpanProcessorOptions) {
    this.#options = { ...options };
    this.#registry = new SpanRegistry(options.maxNames ?? 256, options.maxPaths ?? 256);
    this.#inFlight = new InFlightTable(options.maxInFlight ?? 4096);
    const now = Date.now();
    this.#current = new RollupWindow(now, options.sketch);
    this.#closed = new RollupWindow(now, options.sketch);
    this.#warmingUp = false;
    this.#startWarmup(now);
    if (options.intervalMs !== undefined && options.intervalMs > 0) {
      this.#timer = setInterval(() => this.rotate(), options.intervalMs);
      this.#timer.unref();
    }
  }

  onStart(span: Span, _parentContext: Context): void {
    try {
      const table = this.#inFlight;
      const parentContext = span.parentSpanContext;
      const parent = parentContext === undefined ? NO_SLOT : table.find(parentContext);
      const kind = span.kind;
      const startMs = hrToMs(span.startTime);
      let parentPath = ROOT_PATH;
      let rootStartMs = startMs;
      if (parent !== NO_SLOT && kind === INTERNAL && table.kind[parent] === INTERNAL) {
        parentPath = table.path[parent]!;
        rootStartMs = table.rootStartMs[parent]!;
      }
      if (table.full) this.#current.counters.inFlightOverflow++;
      const slot = table.acquire(span.spanContext());
      if (slot === NO_SLOT) {
        this.#current.counters.inFlightOverflow++;
        return;
      }
      const registry = this.#registry;
      const path = registry.childPath(parentPath, span.name);
      table.parent[slot] = parent;
      table.parentToken[slot] = parent === NO_SLOT ? -1 : table.token(parent);
      table.name[slot] = path === NO_PATH ? registry.nameId(span.name) : registry.pathLeaf(path);
      table.path[slot] = path;
      table.parentPath[slot] = parentPath;
      table.kind[slot] = kind;
      table.startMs[slot] = startMs;
      table.rootStartMs[slot] = rootStartMs;
      table.childMs[slot] = 0;
    } catch {
      this.#current.counters.internalErrors++;
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      const context = span.spanContext();
      let durationMs = hrToMs(span.duration);
      if (!(durationMs >= 0)) durationMs = 0;
      const table = this.#inFlight;
      const slot = table.release(context);
      let nameId: number;
      let pathId = NO_PATH;
      let childMs = 0;
      let offsetMs = 0;
      if (slot !== NO_SLOT) {
        // The released slot keeps its fields until the next acquire.
        nameId = table.name[slot]!;
        pathId = table.path[slot]!;
        // instrumentation-http, for one, renames its SERVER span (to `POST /route`) after start.
        const name = span.name;
        if (nameId === NO_NAME || name !== this.#registry.name(nameId)) {
          pathId = this.#registry.childPath(table.parentPath[slot]!, name);
          nameId = pathId === NO_PATH ? this.#registry.nameId(name) : this.#registry.pathLeaf(pathId);
        }
        childMs = table.childMs[slot]!;
        offsetMs = table.startMs[slot]! - table.rootStartMs[slot]!;
        const parent = table.parent[slot]!;
        // The parent's slot may have been freed and reused if the parent ended first.
        if (parent !== NO_SLOT && table.owns(parent, table.parentToken[slot]!)) table.childMs[parent]! += durationMs;
      } else {
        nameId = this.#registry.nameId(span.name);
      }
      const window = this.#current;
      if (this.#warmingUp && this.#skipForWarmup(span)) {
        window.counters.warmupSkipped++;
        return;
      }
      if ((context.traceFlags & SAMPLED) === 0) window.counters.unsampled++;
      if (nameId === NO_NAME) {
        window.counters.nameOverflow++;
        return;
      }
      let stats: SpanStats;
      if (pathId >= 0) {
        stats = window.paths[pathId] ?? window.path(pathId);
      } else {
        window.counters.pathOverflow++;
        stats = window.unpathedName(nameId);
      }
      stats.record(durationMs, durationMs > childMs ? durationMs - childMs : 0, span.status.code === STATUS_ERROR, offsetMs > 0 ? offsetMs : 0);
      if (durationMs > stats.exemplarFloorMs) stats.offerExemplar(durationMs, context.traceId, context.spanId);
    } catch {
      this.#current.counters.internalErrors++;
    }
  }

  /** The summary document: cumulative (default) or the last interval. */
  summary(options: SummaryOptions = {}): SpanSummaryDocument {
    if (options.window === 'interval') return this.#lastInterval ?? this.#document(this.#current, 'interval');
    return this.#document(this.#rotations === 0 ? this.#current : this.#closed.combinedWith(this.#current), 'cumulative');
  }

  /** Ends the current interval window, returns its document and starts the next one. */
  rotate(): SpanSummaryDocument {
    const document = this.#document(this.#current, 'interval');
    this.#closed.merge(this.#current);
    this.#current.reset(Date.now());
    this.#rotations++;
    this.#lastInterval = document;
    return document;
  }

  /** Forgets all statistics and counters and starts over, warm-up included. Spans in flight keep
   *  their paths. */
  reset(): void {
    const now = Date.now();
    this.#current.reset(now);
    this.#closed.reset(now);
    this.#rotations = 0;
    this.#lastInterval = undefined;
    this.#startWarmup(now);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    return Promise.resolve();
  }

  #startWarmup(now: number): void {
    this.#warmupSeen = 0;
    const warmupMs = this.#options.warmupMs ?? 0;
    this.#warmupUntilMs = warmupMs > 0 ? now + warmupMs : -Infinity;
    this.#warmingUp = (this.#options.warmupSpans ?? 0) > 0 || (this.#options.warmupMs ?? 0) > 0;
  }

  /** True while `span` falls in the warm-up; on the first span after it, counting starts. */
  #skipForWarmup(span: ReadableSpan): boolean {
    if (this.#warmupSeen < (this.#options.warmupSpans ?? 0) || hrToMs(span.endTime) < this.#warmupUntilMs) {
      this.#warmupSeen++;
      return true;
    }
    this.#warmingUp = false;
    const now = Date.now();
    this.#current.startMs = now;
    if (this.#rotations === 0) this.#closed.startMs = now;
    return false;
  }

  #document(window: RollupWindow, kind: 'cumulative' | 'interval'): SpanSummaryDocument {
    let dropped = 0;
    try {
      dropped = this.#options.droppedSpans?.() ?? 0;
    } catch {
      dropped = 0;
    }
    return buildDocument(window, this.#registry, {
      serviceName: this.#options.serviceName,
      kind,
      endMs: Date.now(),
      droppedSpans: dropped,
      sampler: this.#options.sampler ?? samplerFromEnv(),
      sketchOptions: this.#options.sketch,
    });
  }
}
