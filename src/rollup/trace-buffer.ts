/**
 * The spans of requests in progress, held until their root span ends: attribution needs the exact
 * intervals of a request's leaves, and a kept trace the whole tree, and both exist only once the
 * root has ended. Everything is preallocated and bounded:
 *
 * - at most `maxTraces` requests in progress; when a root starts with all taken, the request whose
 *   root started longest ago (one that never ends, most likely) loses its buffer (`overflow.traces`);
 * - at most `maxSpansPerTrace` spans per request and `capacity` spans in all; further spans are
 *   counted (`overflow.trace_spans`), as are spans that end after their root.
 *
 * A span record is a few numbers in typed arrays and its span id, linked to the record that ended
 * before it in the same request. Appending is O(1) and allocates nothing; so is releasing a
 * request (its chain goes back on the free chain whole). A request is found through a token
 * (generation and index, as in in-flight.ts) kept in each span's in-flight slot, so a span that
 * ends after its request was released or evicted no longer matches. The root itself is not
 * buffered: its numbers are at hand when it ends.
 */
import type { KeptSpan, KeptTrace } from './document.ts';
import type { WindowCounters } from './window.ts';

/** "No request": the span's trace is not buffered. */
export const NO_TRACE = -1;

/** What `append` answers when the span's request is no longer (or was never) buffered. */
export const NOT_BUFFERED = -2;

// Per record, Int32 fields at record * R_INTS + ...
const R_INTS = 4;
/** The record that ended before this one in the same request (-1: none). */
const R_NEXT = 0;
/** Name id << 1, | 1 when the span had no child (a leaf). */
const R_NAME = 1;
const R_TOKEN = 2;
const R_PARENT_TOKEN = 3;
// Per record, Float64 fields at record * R_FLOATS + ...
const R_FLOATS = 4;
const R_START = 0;
const R_DURATION = 1;
const R_SELF = 2;

/** Indexes into `TraceBuffer.input`, where onEnd puts the ending span's numbers (ms). */
export const IN_START = 0;
export const IN_DURATION = 1;
export const IN_SELF = 2;

/** The bounds of a TraceBuffer. */
export interface TraceBufferOptions {
  /** Spans buffered in all. */
  capacity: number;
  /** Requests buffered at once. */
  maxTraces: number;
  /** Spans buffered per request (a kept trace holds at most this many plus its root). */
  maxSpansPerTrace: number;
}

/** The root of a request, as `tree` needs it. */
export interface RootSpan {
  traceId: string;
  spanId: string;
  name: string;
  startMs: number;
  durationMs: number;
}

export class TraceBuffer {
  readonly options: TraceBufferOptions;
  /** The ending span's start, duration and self time, written by the caller before `append`. */
  readonly input = new Float64Array(3);
  readonly #counters: WindowCounters;
  // Per request.
  readonly #token: Int32Array;
  readonly #generation: Int32Array;
  readonly #root: Int32Array;
  readonly #head: Int32Array;
  readonly #tail: Int32Array;
  readonly #spans: Int32Array;
  readonly #dropped: Int32Array;
  readonly #startMs: Float64Array;
  readonly #freeTraces: Int32Array;
  #freeTraceTop: number;
  readonly #bits: number;
  readonly #mask: number;
  readonly #generationMask: number;
  readonly #maxSpansPerTrace: number;
  // Per record.
  readonly #ints: Int32Array;
  readonly #floats: Float64Array;
  readonly #spanIds: string[];
  /** Names of spans whose name found no id (name table full), so a kept trace still names them. */
  readonly #names: string[];
  #freeRecord: number;

  /** `counters` is the window's, for the overflow counts; it is kept, not copied. */
  constructor(options: TraceBufferOptions, counters: WindowCounters) {
    const { capacity, maxTraces, maxSpansPerTrace } = options;
    for (const [name, value, max] of [['trace buffer capacity', capacity, 1 << 24], ['maxTraces', maxTraces, 1 << 20], ['maxSpansPerTrace', maxSpansPerTrace, 1 << 24]] as const) {
      if (!(Number.isInteger(value) && value > 0 && value <= max)) throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
    }
    this.options = { capacity, maxTraces, maxSpansPerTrace };
    this.#counters = counters;
    this.#maxSpansPerTrace = maxSpansPerTrace;
    let bits = 1;
    while (1 << bits < maxTraces) bits++;
    this.#bits = bits;
    this.#mask = (1 << bits) - 1;
    this.#generationMask = (1 << (30 - bits)) - 1;
    this.#token = new Int32Array(maxTraces).fill(NO_TRACE);
    this.#generation = new Int32Array(maxTraces);
    this.#root = new Int32Array(maxTraces);
    this.#head = new Int32Array(maxTraces).fill(-1);
    this.#tail = new Int32Array(maxTraces).fill(-1);
    this.#spans = new Int32Array(maxTraces);
    this.#dropped = new Int32Array(maxTraces);
    this.#startMs = new Float64Array(maxTraces);
    this.#freeTraces = new Int32Array(maxTraces);
    for (let i = 0; i < maxTraces; i++) this.#freeTraces[i] = maxTraces - 1 - i;
    this.#freeTraceTop = maxTraces;
    this.#ints = new Int32Array(capacity * R_INTS);
    this.#floats = new Float64Array(capacity * R_FLOATS);
    this.#spanIds = new Array<string>(capacity).fill('');
    this.#names = new Array<string>(capacity).fill('');
    for (let r = 0; r < capacity; r++) this.#ints[r * R_INTS + R_NEXT] = r + 1 < capacity ? r + 1 : -1;
    this.#freeRecord = 0;
  }

  /** Requests being buffered now. */
  get inProgress(): number {
    return this.options.maxTraces - this.#freeTraceTop;
  }

  /** Starts buffering the request whose root span has slot token `rootToken`; returns its token. */
  open(rootToken: number, startMs: number): number {
    if (this.#freeTraceTop === 0) this.#evictOldest();
    const index = this.#freeTraces[--this.#freeTraceTop]!;
    const generation = (this.#generation[index] = (this.#generation[index]! + 1) & this.#generationMask);
    const token = (generation << this.#bits) | index;
    this.#token[index] = token;
    this.#root[index] = rootToken;
    this.#startMs[index] = startMs;
    this.#head[index] = -1;
    this.#tail[index] = -1;
    this.#spans[index] = 0;
    this.#dropped[index] = 0;
    return token;
  }

  /**
   * Buffers the ending span of request `trace` (its numbers in `input`). Returns the request's
   * index when the span is the request's root (not buffered: the caller finishes the request and
   * releases it), NOT_BUFFERED when the request is gone, else -1.
   */
  append(trace: number, token: number, parentToken: number, nameId: number, leaf: boolean, name: string, spanId: string): number {
    const index = trace & this.#mask;
    if (this.#token[index] !== trace) {
      this.#counters.traceSpanOverflow++;
      return NOT_BUFFERED;
    }
    if (this.#root[index] === token) return index;
    const record = this.#freeRecord;
    if (record < 0 || this.#spans[index]! >= this.#maxSpansPerTrace) {
      this.#dropped[index]!++;
      this.#counters.traceSpanOverflow++;
      return -1;
    }
    const ints = this.#ints;
    const i = record * R_INTS;
    this.#freeRecord = ints[i + R_NEXT]!;
    const head = this.#head[index]!;
    ints[i + R_NEXT] = head;
    if (head < 0) this.#tail[index] = record;
    this.#head[index] = record;
    this.#spans[index]!++;
    ints[i + R_NAME] = (nameId << 1) | (leaf ? 1 : 0);
    ints[i + R_TOKEN] = token;
    ints[i + R_PARENT_TOKEN] = parentToken;
    const input = this.input;
    const f = record * R_FLOATS;
    this.#floats[f + R_START] = input[IN_START]!;
    this.#floats[f + R_DURATION] = input[IN_DURATION]!;
    this.#floats[f + R_SELF] = input[IN_SELF]!;
    this.#spanIds[record] = spanId;
    if (nameId < 0) this.#names[record] = name;
    return -1;
  }

  /** The index of request `trace` when the span of slot token `token` is its root and it is still buffered, else -1. */
  rootIndex(trace: number, token: number): number {
    const index = trace & this.#mask;
    return this.#token[index] === trace && this.#root[index] === token ? index : -1;
  }

  /** Spans of request `index` that found no room in the buffer. */
  dropped(index: number): number {
    return this.#dropped[index]!;
  }

  /** Puts the intervals of request `index`'s buffered leaves into `starts` and `ends` (each at
   *  least maxSpansPerTrace long); returns how many. */
  leaves(index: number, starts: Float64Array, ends: Float64Array): number {
    const ints = this.#ints;
    const floats = this.#floats;
    let n = 0;
    for (let r = this.#head[index]!; r >= 0; r = ints[r * R_INTS + R_NEXT]!) {
      if ((ints[r * R_INTS + R_NAME]! & 1) === 0) continue;
      const start = floats[r * R_FLOATS + R_START]!;
      starts[n] = start;
      ends[n++] = start + floats[r * R_FLOATS + R_DURATION]!;
    }
    return n;
  }

  /** Adds the self time of each buffered span of request `index` to `row[name id]` (`row` longer
   *  than every name id in use); spans without a name id are left out. */
  addSelfTimes(index: number, row: Float64Array): void {
    const ints = this.#ints;
    for (let r = this.#head[index]!; r >= 0; r = ints[r * R_INTS + R_NEXT]!) {
      const nameId = ints[r * R_INTS + R_NAME]! >> 1;
      if (nameId >= 0) row[nameId]! += this.#floats[r * R_FLOATS + R_SELF]!;
    }
  }

  /** The span tree of request `index`, exact, root first then by start. */
  tree(index: number, root: RootSpan, nameOf: (nameId: number) => string): KeptTrace {
    const ints = this.#ints;
    const floats = this.#floats;
    const spans: KeptSpan[] = [{ span_id: root.spanId, parent_span_id: '', name: root.name, start_ms: 0, duration_ms: root.durationMs }];
    // Newest first, a token maps to the span that holds it and ended after the ones still to come:
    // a child's parent ended after it, and a slot token is only reused once its span has ended.
    const spanIdOf = new Map<number, string>([[this.#root[index]!, root.spanId]]);
    for (let r = this.#head[index]!; r >= 0; r = ints[r * R_INTS + R_NEXT]!) {
      const i = r * R_INTS;
      const nameId = ints[i + R_NAME]! >> 1;
      spans.push({
        span_id: this.#spanIds[r]!,
        parent_span_id: spanIdOf.get(ints[i + R_PARENT_TOKEN]!) ?? '',
        name: nameId >= 0 ? nameOf(nameId) : this.#names[r]!,
        start_ms: floats[r * R_FLOATS + R_START]! - root.startMs,
        duration_ms: floats[r * R_FLOATS + R_DURATION]!,
      });
      spanIdOf.set(ints[i + R_TOKEN]!, this.#spanIds[r]!);
    }
    const children = spans.slice(1).sort((a, b) => a.start_ms - b.start_ms);
    const trace: KeptTrace = { trace_id: root.traceId, duration_ms: root.durationMs, spans: [spans[0]!, ...children] };
    const dropped = this.#dropped[index]!;
    if (dropped > 0) trace.truncated_spans = dropped;
    return trace;
  }

  /** Forgets request `index` and frees its records. */
  release(index: number): void {
    const head = this.#head[index]!;
    if (head >= 0) {
      this.#ints[this.#tail[index]! * R_INTS + R_NEXT] = this.#freeRecord;
      this.#freeRecord = head;
    }
    this.#head[index] = -1;
    this.#tail[index] = -1;
    this.#token[index] = NO_TRACE;
    this.#freeTraces[this.#freeTraceTop++] = index;
  }

  #evictOldest(): void {
    let oldest = -1;
    for (let i = 0; i < this.options.maxTraces; i++) {
      if (this.#token[i] !== NO_TRACE && (oldest < 0 || this.#startMs[i]! < this.#startMs[oldest]!)) oldest = i;
    }
    this.#counters.traceOverflow++;
    this.release(oldest);
  }
}
