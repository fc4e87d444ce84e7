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
 * A span record is a few numbers in typed arrays, linked to the record that ended before it in the
 * same request; the span ids go into an array of the request's own, made when its root starts.
 * (Span ids stored in one long-lived array cost the garbage collector more than all the rest:
 * every store made an old-to-young pointer, and the ids outlived their spans. In an array that
 * dies with its request they are young garbage.) Appending is O(1); so is releasing a request
 * (its chain goes back on the free chain whole). A request is found through a token
 * (generation and index, as in in-flight.ts) kept in each span's in-flight slot, so a span that
 * ends after its request was released or evicted no longer matches. The root itself is not
 * buffered: its numbers are at hand when it ends.
 */
import type { KeptSpan, KeptTrace } from './document.ts';
import type { InFlightSlots } from './in-flight.ts';
import * as inFlight from './in-flight.ts';
import type { RecordingWindow } from './recording.ts';
import * as recording from './recording.ts';
import type { WindowCounters } from './window.ts';

// Local copies: append() runs for every span (see processor.ts on imported bindings).
const { FLOATS_SHIFT, F_START, INTS_SHIFT, I_LAST_CHILD, I_PARENT_TOKEN } = inFlight;
const { SPAN_DURATION, SPAN_SELF } = recording;

/** "No request": the span's trace is not buffered. */
export const NO_TRACE = -1;

/** What `append` answers when the span's request is no longer (or was never) buffered. */
const NOT_BUFFERED = -2;

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

// Per request, Int32 fields at index * T_STRIDE + ...
const T_STRIDE = 8;
/** The request's current token (NO_TRACE when the entry is free). */
const T_TOKEN = 0;
/** Bumped on every reuse of the entry. */
const T_GENERATION = 1;
/** The root span's in-flight token. */
const T_ROOT = 2;
/** Newest and oldest record of the request (-1: none). */
const T_HEAD = 3;
const T_TAIL = 4;
/** Records held, and spans left out by a bound. */
const T_SPANS = 5;
const T_DROPPED = 6;

/** Indexes into `TraceBuffer.root`: the numbers of the root that ended last (ms; IN_LEAF 1 when it had no child). */
export const IN_START = 0;
export const IN_DURATION = 1;
export const IN_SELF = 2;
export const IN_LEAF = 3;

/** The bounds of a TraceBuffer. */
export interface TraceBufferOptions {
  /** Spans buffered in all. */
  capacity: number;
  /** Requests buffered at once. */
  maxTraces: number;
  /** Spans buffered per request (a kept trace holds at most this many plus its root). */
  maxSpansPerTrace: number;
}

/** The span ids of a request slot not in use (never appended to). */
const NO_IDS: string[] = [];

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
  /** The numbers of the root `append` found last (IN_START...). */
  readonly root = new Float64Array(4);
  readonly #counters: WindowCounters;
  readonly #slotInts: Int32Array;
  readonly #slotFloats: Float64Array;
  /** The recording window's numbers of the span that ends (duration, self time). */
  readonly #numbers: Float64Array;
  // Per request.
  /** T_STRIDE Int32 fields per request, in one array: a span's end reads and writes one cache line of it. */
  readonly #table: Int32Array;
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
  /** Per request: the span ids of its records, in the order they were appended. */
  readonly #spanIds: string[][];
  /** By record: names of spans whose name found no id (name table full), so a kept trace still
   *  names them. Rare, so a Map (an entry may outlive its record; at most one per record). */
  readonly #names = new Map<number, string>();
  #freeRecord: number;

  /** Spans are read from `slots` as they end, with their duration and self time from `window.span`;
   *  the overflow counts go to `window.counters`. */
  constructor(options: TraceBufferOptions, slots: InFlightSlots, window: RecordingWindow) {
    const { capacity, maxTraces, maxSpansPerTrace } = options;
    for (const [name, value, max] of [
      ['trace buffer capacity', capacity, 1 << 24],
      ['maxTraces', maxTraces, 1 << 20],
      ['maxSpansPerTrace', maxSpansPerTrace, 1 << 24],
    ] as const) {
      if (!(Number.isInteger(value) && value > 0 && value <= max))
        throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
    }
    this.options = { capacity, maxTraces, maxSpansPerTrace };
    this.#counters = window.counters;
    this.#numbers = window.span;
    this.#slotInts = slots.ints;
    this.#slotFloats = slots.floats;
    this.#maxSpansPerTrace = maxSpansPerTrace;
    let bits = 1;
    while (1 << bits < maxTraces) bits++;
    this.#bits = bits;
    this.#mask = (1 << bits) - 1;
    this.#generationMask = (1 << (30 - bits)) - 1;
    this.#table = new Int32Array(maxTraces * T_STRIDE);
    for (let t = 0; t < maxTraces * T_STRIDE; t += T_STRIDE) {
      this.#table[t + T_TOKEN] = NO_TRACE;
      this.#table[t + T_HEAD] = -1;
      this.#table[t + T_TAIL] = -1;
    }
    this.#startMs = new Float64Array(maxTraces);
    this.#freeTraces = new Int32Array(maxTraces);
    for (let i = 0; i < maxTraces; i++) this.#freeTraces[i] = maxTraces - 1 - i;
    this.#freeTraceTop = maxTraces;
    this.#ints = new Int32Array(capacity * R_INTS);
    this.#floats = new Float64Array(capacity * R_FLOATS);
    this.#spanIds = new Array<string[]>(maxTraces).fill(NO_IDS);
    for (let r = 0; r < capacity; r++) this.#ints[r * R_INTS + R_NEXT] = r + 1 < capacity ? r + 1 : -1;
    this.#freeRecord = 0;
  }

  /** Starts buffering the request whose root span has token `rootToken` and its start written in
   *  in-flight slot `slot`; returns the request's token. */
  open(rootToken: number, slot: number): number {
    if (this.#freeTraceTop === 0) this.#evictOldest();
    const index = this.#freeTraces[--this.#freeTraceTop]!;
    const table = this.#table;
    const t = index * T_STRIDE;
    const generation = (table[t + T_GENERATION]! + 1) & this.#generationMask;
    table[t + T_GENERATION] = generation;
    const token = (generation << this.#bits) | index;
    table[t + T_TOKEN] = token;
    table[t + T_ROOT] = rootToken;
    table[t + T_HEAD] = -1;
    table[t + T_TAIL] = -1;
    table[t + T_SPANS] = 0;
    table[t + T_DROPPED] = 0;
    this.#startMs[index] = this.#slotFloats[(slot << FLOATS_SHIFT) + F_START]!;
    this.#spanIds[index] = [];
    return token;
  }

  /**
   * Buffers the span of request `trace` that just ended in in-flight slot `slot` with token
   * `token`. Returns the request's index when the span is the request's root (not buffered: its
   * numbers go to `root`, and the caller finishes the request and releases it), NOT_BUFFERED when
   * the request is gone, else -1.
   */
  append(trace: number, slot: number, token: number, nameId: number, name: string, spanId: string): number {
    const index = trace & this.#mask;
    const table = this.#table;
    const t = index * T_STRIDE;
    if (table[t + T_TOKEN] !== trace) {
      this.#counters.traceSpanOverflow++;
      return NOT_BUFFERED;
    }
    const base = slot << INTS_SHIFT;
    const leaf = this.#slotInts[base + I_LAST_CHILD] === -1;
    const numbers = this.#numbers;
    if (table[t + T_ROOT] === token) {
      const root = this.root;
      root[IN_START] = this.#slotFloats[(slot << FLOATS_SHIFT) + F_START]!;
      root[IN_DURATION] = numbers[SPAN_DURATION]!;
      root[IN_SELF] = numbers[SPAN_SELF]!;
      root[IN_LEAF] = leaf ? 1 : 0;
      return index;
    }
    const record = this.#freeRecord;
    if (record < 0 || table[t + T_SPANS]! >= this.#maxSpansPerTrace) {
      table[t + T_DROPPED]!++;
      this.#counters.traceSpanOverflow++;
      return -1;
    }
    const ints = this.#ints;
    const i = record * R_INTS;
    this.#freeRecord = ints[i + R_NEXT]!;
    const head = table[t + T_HEAD]!;
    ints[i + R_NEXT] = head;
    if (head < 0) table[t + T_TAIL] = record;
    table[t + T_HEAD] = record;
    table[t + T_SPANS]!++;
    ints[i + R_NAME] = (nameId << 1) | (leaf ? 1 : 0);
    ints[i + R_TOKEN] = token;
    ints[i + R_PARENT_TOKEN] = this.#slotInts[base + I_PARENT_TOKEN]!;
    const f = record * R_FLOATS;
    const floats = this.#floats;
    floats[f + R_START] = this.#slotFloats[(slot << FLOATS_SHIFT) + F_START]!;
    floats[f + R_DURATION] = numbers[SPAN_DURATION]!;
    floats[f + R_SELF] = numbers[SPAN_SELF]!;
    this.#spanIds[index]!.push(spanId);
    if (nameId < 0) this.#names.set(record, name);
    return -1;
  }

  /** The index of request `trace` when the span of slot token `token` is its root and it is still buffered, else -1. */
  rootIndex(trace: number, token: number): number {
    const index = trace & this.#mask;
    const table = this.#table;
    const t = index * T_STRIDE;
    return table[t + T_TOKEN] === trace && table[t + T_ROOT] === token ? index : -1;
  }

  /**
   * One pass over request `index`'s buffered spans: adds each one's self time to `row[name id]`
   * (`row` longer than every name id in use; spans without a name id are left out) and puts the
   * leaves' intervals into `starts` and `ends` (each at least maxSpansPerTrace long). Returns the
   * number of leaves.
   */
  walk(index: number, row: Float64Array, starts: Float64Array, ends: Float64Array): number {
    const table = this.#table;
    const t = index * T_STRIDE;
    const ints = this.#ints;
    const floats = this.#floats;
    let n = 0;
    for (let r = table[t + T_HEAD]!; r >= 0; r = ints[r * R_INTS + R_NEXT]!) {
      const name = ints[r * R_INTS + R_NAME]!;
      const f = r * R_FLOATS;
      if (name >= 0) row[name >> 1]! += floats[f + R_SELF]!;
      if ((name & 1) === 0) continue;
      const start = floats[f + R_START]!;
      starts[n] = start;
      ends[n++] = start + floats[f + R_DURATION]!;
    }
    return n;
  }

  /** The span tree of request `index`, exact, root first then by start. */
  tree(index: number, root: RootSpan, nameOf: (nameId: number) => string): KeptTrace {
    const table = this.#table;
    const t = index * T_STRIDE;
    const ints = this.#ints;
    const floats = this.#floats;
    const spans: KeptSpan[] = [
      { span_id: root.spanId, parent_span_id: '', name: root.name, start_ms: 0, duration_ms: root.durationMs },
    ];
    // Newest first, a token maps to the span that holds it and ended after the ones still to come:
    // a child's parent ended after it, and a slot token is only reused once its span has ended.
    const spanIdOf = new Map<number, string>([[table[t + T_ROOT]!, root.spanId]]);
    const ids = this.#spanIds[index]!;
    let k = ids.length;
    for (let r = table[t + T_HEAD]!; r >= 0; r = ints[r * R_INTS + R_NEXT]!) {
      const i = r * R_INTS;
      const nameId = ints[i + R_NAME]! >> 1;
      const spanId = ids[--k]!;
      spans.push({
        span_id: spanId,
        parent_span_id: spanIdOf.get(ints[i + R_PARENT_TOKEN]!) ?? '',
        name: nameId >= 0 ? nameOf(nameId) : (this.#names.get(r) ?? ''),
        start_ms: floats[r * R_FLOATS + R_START]! - root.startMs,
        duration_ms: floats[r * R_FLOATS + R_DURATION]!,
      });
      spanIdOf.set(ints[i + R_TOKEN]!, spanId);
    }
    const children = spans.slice(1).sort((a, b) => a.start_ms - b.start_ms);
    const trace: KeptTrace = { trace_id: root.traceId, duration_ms: root.durationMs, spans: [spans[0]!, ...children] };
    const dropped = table[t + T_DROPPED]!;
    if (dropped > 0) trace.truncated_spans = dropped;
    return trace;
  }

  /** Forgets request `index` and frees its records. */
  release(index: number): void {
    const table = this.#table;
    const t = index * T_STRIDE;
    const head = table[t + T_HEAD]!;
    if (head >= 0) {
      this.#ints[table[t + T_TAIL]! * R_INTS + R_NEXT] = this.#freeRecord;
      this.#freeRecord = head;
    }
    table[t + T_HEAD] = -1;
    table[t + T_TAIL] = -1;
    table[t + T_TOKEN] = NO_TRACE;
    this.#spanIds[index] = NO_IDS;
    this.#freeTraces[this.#freeTraceTop++] = index;
  }

  #evictOldest(): void {
    let oldest = -1;
    for (let i = 0; i < this.options.maxTraces; i++) {
      if (
        this.#table[i * T_STRIDE + T_TOKEN] !== NO_TRACE &&
        (oldest < 0 || this.#startMs[i]! < this.#startMs[oldest]!)
      )
        oldest = i;
    }
    this.#counters.traceOverflow++;
    this.release(oldest);
  }
}
