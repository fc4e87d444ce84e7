/**
 * RollupSpanProcessor: a SpanProcessor that turns span durations into percentile statistics per
 * span name and per path, in bounded memory, beside the exporting processor.
 *
 * onStart keeps a small in-flight record per span (path, start, time of its children so far) in
 * one preallocated cache line (in-flight.ts), found through a token on the span's SpanContext;
 * onEnd moves the span's duration into its path's flat record (recording.ts) and into its
 * parent's children time. Neither keeps a reference to the span, and neither throws:
 * MultiSpanProcessor does not catch, so a throw here would break span.end() for every processor
 * after this one. Internal errors are counted in the document instead.
 */
import { type Context, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ResourceSource } from '../telemetry/resource-meter.ts';
import type { ResourceEntry, SpanSummaryDocument } from './document.ts';
import * as inFlight from './in-flight.ts';
import { InFlightSlots, type Tagged } from './in-flight.ts';
import { DEFAULT_SLOWEST, DEFAULT_TYPICAL } from './kept-traces.ts';
import * as recording from './recording.ts';
import { RecordingWindow } from './recording.ts';
import * as registryModule from './registry.ts';
import { SpanRegistry } from './registry.ts';
import { RequestRecorder } from './request-recorder.ts';
import { ResourceWindows } from './resources.ts';
import type { LogHistogramOptions } from './sketch.ts';
import { buildDocument } from './summarize.ts';
import { DEFAULT_SLOW_QUANTILE } from './tail.ts';
import * as traceBuffer from './trace-buffer.ts';
import { TraceBuffer } from './trace-buffer.ts';
import { RollupWindow } from './window.ts';

// Hot code reads imported bindings through their module cell, with a temporal-dead-zone check,
// at every use: V8 does not fold them into the code as it folds a module's own constants. With
// the slot layout imported, onStart and onEnd were half as large again and the overhead ratio
// 0.02 higher. So they use local copies.
const {
  FLOATS_SHIFT,
  F_CHILD,
  F_ROOT_START,
  F_START,
  INSTANCE_SHIFT,
  INTS_SHIFT,
  I_GENERATION,
  I_INHERIT,
  I_LAST_CHILD,
} = inFlight;
const { I_NAME, I_PARENT, I_PARENT_PATH, I_PARENT_TOKEN, I_PATH, I_TOKEN, I_TRACE, NO_SLOT, TAG } = inFlight;
const { NO_TRACE } = traceBuffer;
const { SPAN_DURATION, SPAN_OFFSET, SPAN_SELF } = recording;
const { NO_NAME, NO_PATH, ROOT_PATH } = registryModule;

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
  /** Spans tracked in flight at once (for paths and self time); beyond it the span that started
   *  longest ago loses its slot. Default 4096, at most 65536. */
  maxInFlight?: number;
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
  /** Requests whose spans are buffered at once until their root ends. Default 1024. */
  maxTraces?: number;
  /** Spans buffered per request (a kept trace holds at most this many besides its root). Default 2048. */
  maxSpansPerTrace?: number;
  /** Spans buffered in all. Default 32768. */
  maxBufferedSpans?: number;
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

function serviceNameFromEnv(): string {
  return process.env.OTEL_SERVICE_NAME || 'unknown_service';
}

function samplerFromEnv(): string {
  const sampler = process.env.OTEL_TRACES_SAMPLER || 'parentbased_always_on';
  const arg = process.env.OTEL_TRACES_SAMPLER_ARG;
  return arg ? `${sampler}(${arg})` : sampler;
}

/** I_INHERIT of a span whose children start paths of their own (it is not INTERNAL). */
const NO_INHERIT = -3;

/** Percentile rollups of span durations per name and per path; `summary()` returns the document. */
export class RollupSpanProcessor implements SpanProcessor {
  readonly #options: RollupSpanProcessorOptions;
  readonly #registry: SpanRegistry;
  readonly #slots: InFlightSlots;
  // The in-flight slots' arrays and parameters, copied here: onStart and onEnd use them inline.
  readonly #ints: Int32Array;
  readonly #floats: Float64Array;
  readonly #free: Int32Array;
  #freeTop: number;
  readonly #slotMask: number;
  readonly #bits: number;
  readonly #generationMask: number;
  readonly #instance: number;
  readonly #ownTag: symbol;
  readonly #current: RecordingWindow;
  readonly #closed: RollupWindow;
  readonly #traces: TraceBuffer;
  readonly #requests: RequestRecorder;
  readonly #resources: ResourceWindows;
  readonly #slowQuantile: number;
  readonly #attribution: boolean;
  /** Path of the root span that started last, to predict the next root's path. */
  #lastRoot = -1;
  #rotations = 0;
  #lastInterval: SpanSummaryDocument | undefined;
  #warmingUp: boolean;
  #warmupSeen = 0;
  #warmupUntilMs = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RollupSpanProcessorOptions = {}) {
    this.#options = { ...options };
    this.#attribution = options.attribution ?? true;
    const slowQuantile = options.slowQuantile ?? DEFAULT_SLOW_QUANTILE;
    this.#slowQuantile = slowQuantile;
    if (!(slowQuantile > 0 && slowQuantile < 1))
      throw new RangeError(`slowQuantile must be in (0, 1), got ${slowQuantile}`);
    const maxNames = options.maxNames ?? 256;
    const maxPaths = options.maxPaths ?? 256;
    this.#registry = new SpanRegistry(maxNames, maxPaths);
    const slots = new InFlightSlots(options.maxInFlight ?? 4096);
    this.#slots = slots;
    this.#ints = slots.ints;
    this.#floats = slots.floats;
    this.#free = slots.free;
    this.#freeTop = slots.capacity;
    this.#slotMask = slots.slotMask;
    this.#bits = slots.bits;
    this.#generationMask = slots.generationMask;
    this.#instance = slots.instance;
    this.#ownTag = slots.ownTag;
    const now = Date.now();
    this.#current = new RecordingWindow(now, maxPaths, maxNames, options.sketch);
    this.#closed = new RollupWindow(now, options.sketch);
    const maxSpansPerTrace = options.maxSpansPerTrace ?? 2048;
    this.#traces = new TraceBuffer(
      { capacity: options.maxBufferedSpans ?? 32768, maxTraces: options.maxTraces ?? 1024, maxSpansPerTrace },
      slots,
      this.#current,
    );
    this.#requests = new RequestRecorder(
      {
        maxRoots: options.maxRoots ?? 16,
        keepSlowest: options.keepSlowest ?? DEFAULT_SLOWEST,
        keepTypical: options.keepTypical ?? DEFAULT_TYPICAL,
        sketch: options.sketch,
      },
      this.#registry,
      maxSpansPerTrace,
      this.#current.counters,
    );
    this.#resources = new ResourceWindows(options.resources ?? []);
    this.#warmingUp = false;
    this.#startWarmup(now);
    if (options.intervalMs !== undefined && options.intervalMs > 0) {
      this.#timer = setInterval(() => this.rotate(), options.intervalMs);
      this.#timer.unref();
    }
  }

  onStart(span: Span, _parentContext: Context): void {
    try {
      const ints = this.#ints;
      const floats = this.#floats;
      const startTime = span.startTime;
      const startMs = startTime[0] * 1e3 + startTime[1] / 1e6;
      const kind = span.kind;
      let parent = NO_SLOT;
      let parentToken = -1;
      const parentSpanContext = span.parentSpanContext;
      const parentContext = parentSpanContext as unknown as Tagged | undefined;
      if (parentContext !== undefined) {
        let token = parentContext[TAG];
        if (token !== undefined && token >>> INSTANCE_SHIFT !== this.#instance) token = parentContext[this.#ownTag];
        if (token !== undefined && ints[(token & this.#slotMask) << INTS_SHIFT] === token) {
          parent = token & this.#slotMask;
          parentToken = token;
        }
      }
      let parentPath = ROOT_PATH;
      let rootStartMs = startMs;
      let previous = this.#lastRoot;
      let trace = NO_TRACE;
      if (parent !== NO_SLOT) {
        const p = parent << INTS_SHIFT;
        previous = ints[p + I_LAST_CHILD]!;
        trace = ints[p + I_TRACE]!;
        const inherit = ints[p + I_INHERIT]!;
        if (kind === INTERNAL && inherit !== NO_INHERIT) {
          parentPath = inherit;
          rootStartMs = floats[(parent << FLOATS_SHIFT) + F_ROOT_START]!;
        }
      }
      let slot: number;
      if (this.#freeTop > 0) {
        slot = this.#free[this.#freeTop - 1]!;
      } else {
        this.#current.counters.inFlightOverflow++;
        slot = this.#slots.oldest();
      }
      const base = slot << INTS_SHIFT;
      const generation = (ints[base + I_GENERATION]! + 1) & this.#generationMask;
      const token = (this.#instance << INSTANCE_SHIFT) | (generation << this.#bits) | slot;
      const context = span.spanContext() as unknown as Tagged;
      try {
        const existing = context[TAG];
        if (existing === undefined || existing >>> INSTANCE_SHIFT === this.#instance) context[TAG] = token;
        else context[this.#ownTag] = token;
      } catch {
        // A frozen context (Object.isExtensible per span cost more than all the rest of onStart).
        this.#current.counters.inFlightOverflow++;
        return;
      }
      if (this.#freeTop > 0) this.#freeTop--;
      const registry = this.#registry;
      const name = span.name;
      const path = registry.childPath(parentPath, name, previous);
      // Written before the span's own record: when every slot was taken the parent may have been
      // evicted for this very slot.
      if (parent === NO_SLOT) this.#lastRoot = path;
      else ints[(parent << INTS_SHIFT) + I_LAST_CHILD] = path;
      ints[base + I_TOKEN] = token;
      ints[base + I_GENERATION] = generation;
      ints[base + I_PARENT] = parent;
      ints[base + I_PARENT_TOKEN] = parentToken;
      ints[base + I_PATH] = path;
      ints[base + I_PARENT_PATH] = parentPath;
      ints[base + I_NAME] = path === NO_PATH ? registry.nameId(name) : registry.pathLeaf(path);
      ints[base + I_INHERIT] = kind === INTERNAL ? path : NO_INHERIT;
      ints[base + I_LAST_CHILD] = -1;
      const f = slot << FLOATS_SHIFT;
      floats[f + F_START] = startMs;
      floats[f + F_ROOT_START] = rootStartMs;
      floats[f + F_CHILD] = 0;
      // A local root (no parent, or a remote one) starts a request; a span whose local parent is
      // not tracked belongs to no buffered request. The buffer reads the start from the slot: a
      // double passed to a call V8 does not inline is boxed, one allocation per request.
      if (
        parent === NO_SLOT &&
        this.#attribution &&
        (parentSpanContext === undefined || parentSpanContext.isRemote === true)
      )
        trace = this.#traces.open(token, slot);
      ints[base + I_TRACE] = trace;
    } catch {
      this.#current.counters.internalErrors++;
    }
  }

  onEnd(span: ReadableSpan): void {
    try {
      const context = span.spanContext();
      const duration = span.duration;
      let durationMs = duration[0] * 1e3 + duration[1] / 1e6;
      if (!(durationMs >= 0 && durationMs < Infinity)) durationMs = 0;
      const ints = this.#ints;
      const registry = this.#registry;
      const tagged = context as unknown as Tagged;
      let token = tagged[TAG];
      if (token !== undefined && token >>> INSTANCE_SHIFT !== this.#instance) token = tagged[this.#ownTag];
      let nameId: number;
      let pathId = NO_PATH;
      let childMs = 0;
      let offsetMs = 0;
      let trace = NO_TRACE;
      const slot = token === undefined ? NO_SLOT : token & this.#slotMask;
      if (slot !== NO_SLOT && ints[slot << INTS_SHIFT] === token) {
        const base = slot << INTS_SHIFT;
        // Freed now; the record keeps its fields until the slot is taken again.
        ints[base + I_TOKEN] = -1;
        this.#free[this.#freeTop++] = slot;
        nameId = ints[base + I_NAME]!;
        pathId = ints[base + I_PATH]!;
        // instrumentation-http, for one, renames its SERVER span (to `POST /route`) after start.
        const name = span.name;
        if (nameId === NO_NAME || name !== registry.name(nameId)) {
          pathId = registry.pathId(ints[base + I_PARENT_PATH]!, registry.nameId(name));
          nameId = pathId === NO_PATH ? registry.nameId(name) : registry.pathLeaf(pathId);
        }
        const floats = this.#floats;
        const f = slot << FLOATS_SHIFT;
        childMs = floats[f + F_CHILD]!;
        offsetMs = floats[f + F_START]! - floats[f + F_ROOT_START]!;
        trace = ints[base + I_TRACE]!;
        const parent = ints[base + I_PARENT]!;
        // The parent's slot may have been freed and reused if the parent ended first.
        if (parent !== NO_SLOT && ints[parent << INTS_SHIFT] === ints[base + I_PARENT_TOKEN])
          floats[(parent << FLOATS_SHIFT) + F_CHILD]! += durationMs;
      } else {
        nameId = registry.nameId(span.name);
      }
      const window = this.#current;
      if (this.#warmingUp && this.#skipForWarmup(span)) {
        window.counters.warmupSkipped++;
        if (trace !== NO_TRACE) this.#dropRequest(trace, token!);
        return;
      }
      if ((context.traceFlags & SAMPLED) === 0) window.counters.unsampled++;
      const numbers = window.span;
      numbers[SPAN_DURATION] = durationMs;
      numbers[SPAN_SELF] = durationMs > childMs ? durationMs - childMs : 0;
      numbers[SPAN_OFFSET] = Math.max(offsetMs, 0);
      // Two calls V8 never inlines (their bytecode is over its per-function limit). A small helper
      // here was inlined, took the room V8 leaves for inlining into onEnd, record() stopped being
      // inlined, and the overhead ratio rose by half.
      if (trace !== NO_TRACE) {
        const traces = this.#traces;
        const index = traces.append(trace, slot, token!, nameId, span.name, context.spanId);
        if (index >= 0) this.#requests.finish(traces, index, nameId, context);
      }
      if (nameId === NO_NAME) {
        window.counters.nameOverflow++;
        return;
      }
      let entry = pathId;
      if (pathId < 0) {
        window.counters.pathOverflow++;
        entry = window.unpathedEntry(nameId);
      }
      window.record(entry, span.status.code === STATUS_ERROR, context);
    } catch {
      this.#current.counters.internalErrors++;
    }
  }

  /** The summary document: cumulative (default) or the last interval. */
  summary(options: SummaryOptions = {}): SpanSummaryDocument {
    if (options.window === 'interval')
      return this.#lastInterval ?? this.#document(this.#snapshot(), 'interval', this.#resources.interval());
    const current = this.#snapshot();
    return this.#document(
      this.#rotations === 0 ? current : this.#closed.combinedWith(current),
      'cumulative',
      this.#resources.cumulative(),
    );
  }

  /** Ends the current interval window, returns its document and starts the next one. */
  rotate(): SpanSummaryDocument {
    const interval = this.#snapshot();
    const document = this.#document(interval, 'interval', this.#resources.rotate());
    this.#closed.merge(interval);
    this.#current.reset(Date.now());
    this.#requests.reset();
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
    this.#requests.reset();
    this.#resources.reset();
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

  /** Frees the buffer of the request whose root `token` ended during warm-up (a child's end does nothing). */
  #dropRequest(trace: number, token: number): void {
    const index = this.#traces.rootIndex(trace, token);
    if (index >= 0) this.#traces.release(index);
  }

  /** The current window with its request tables. */
  #snapshot(): RollupWindow {
    const window = this.#current.snapshot();
    for (const stats of this.#requests.snapshot()) window.requests.set(stats.root, stats);
    return window;
  }

  #startWarmup(now: number): void {
    this.#warmupSeen = 0;
    const warmupMs = this.#options.warmupMs ?? 0;
    this.#warmupUntilMs = warmupMs > 0 ? now + warmupMs : -Infinity;
    this.#warmingUp = (this.#options.warmupSpans ?? 0) > 0 || (this.#options.warmupMs ?? 0) > 0;
  }

  /** True while `span` falls in the warm-up; on the first span after it, counting starts. */
  #skipForWarmup(span: ReadableSpan): boolean {
    if (
      this.#warmupSeen < (this.#options.warmupSpans ?? 0) ||
      span.endTime[0] * 1e3 + span.endTime[1] / 1e6 < this.#warmupUntilMs
    ) {
      this.#warmupSeen++;
      return true;
    }
    this.#warmingUp = false;
    const now = Date.now();
    this.#current.startMs = now;
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
    return buildDocument(window, this.#registry, {
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
