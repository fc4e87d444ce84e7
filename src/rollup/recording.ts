/**
 * The window the processor records into, kept flat so that recording a span touches few cache
 * lines: per entry, a record of 16 float64 in one Float64Array (count, Welford mean and M2, sum,
 * min, max, self time, start offsets, errors, the sketch's zero count and bucket range, the
 * exemplar floor), and a row in a pool holding the entry's sketch buckets and its first 64 values.
 * Entries are path ids [0, maxPaths) and, for spans without a path, maxPaths + name id.
 *
 * SpanStats and LogHistogram keep their doubles in object fields, which V8 boxes: an update there
 * follows a pointer per field, each to memory that the SDK's own allocations for the spans in
 * between have pushed out of the cache. Here a span touches its record and one bucket.
 *
 * `snapshot()` turns the window into SpanStats (the same numbers, bucket for bucket) for
 * documents, rotation and merging.
 */
import * as buckets from './buckets.ts';
import { type BucketLayout, bucketLayout, bucketOf } from './buckets.ts';
import * as sketch from './sketch.ts';
import { LogHistogram, type LogHistogramOptions } from './sketch.ts';
import * as stats from './stats.ts';
import { SpanStats } from './stats.ts';
import { RollupWindow, type WindowCounters, zeroCounters } from './window.ts';

// Local copies: record() runs for every span, and V8 reads an imported binding through its module
// cell (with a temporal-dead-zone check) at every use instead of folding it (see processor.ts).
const { HIGH_WORD, SCRATCH, SCRATCH_WORDS } = buckets;
const { EXACT_CAPACITY } = sketch;
const { MAX_EXEMPLARS } = stats;

/** Float64 fields per entry record. */
const STRIDE = 16;
const COUNT = 0;
const MEAN = 1;
const M2 = 2;
const SUM = 3;
const MIN = 4;
const MAX = 5;
const SELF = 6;
const OFFSET = 7;
const ERRORS = 8;
const ZERO = 9;
const LOW = 10;
const HIGH = 11;
/** Offset of the entry's row in the pool, plus one (0: the entry has no row yet). */
const ROW = 12;
/** A span must last longer than this to become an exemplar (the shortest kept, once full). */
const FLOOR = 13;
const EXEMPLARS = 14;

/** The ids a span offers as an exemplar: its SpanContext (read only when it qualifies). */
export interface ExemplarIds {
  readonly traceId: string;
  readonly spanId: string;
}

/** Indexes into RecordingWindow.span. */
export const SPAN_DURATION = 0;
export const SPAN_SELF = 1;
export const SPAN_OFFSET = 2;

export class RecordingWindow {
  /** The numbers of the span to record next (SPAN_DURATION, SPAN_SELF, SPAN_OFFSET, in ms). */
  readonly span = new Float64Array(3);
  readonly counters: WindowCounters = zeroCounters();
  startMs: number;
  readonly #pathCapacity: number;
  readonly #sketchOptions: LogHistogramOptions | undefined;
  readonly #layout: BucketLayout;
  readonly #rowLength: number;
  readonly #records: Float64Array;
  #pool: Float64Array;
  #rows = 0;
  /** Entries that have a row, in the order they got it. */
  readonly #used: number[] = [];
  readonly #exemplarMs: Float64Array;
  readonly #exemplarTrace: string[];
  readonly #exemplarSpan: string[];

  /** Room for `maxPaths` paths and `maxNames` names' path-less spans. */
  constructor(startMs: number, maxPaths: number, maxNames: number, sketchOptions?: LogHistogramOptions) {
    this.startMs = startMs;
    this.#pathCapacity = maxPaths;
    this.#sketchOptions = sketchOptions;
    this.#layout = bucketLayout(sketchOptions);
    this.#rowLength = this.#layout.buckets + EXACT_CAPACITY;
    const entries = maxPaths + maxNames;
    this.#records = new Float64Array(entries * STRIDE);
    this.#pool = new Float64Array(this.#rowLength * 4);
    this.#exemplarMs = new Float64Array(entries * MAX_EXEMPLARS);
    this.#exemplarTrace = new Array<string>(entries * MAX_EXEMPLARS).fill('');
    this.#exemplarSpan = new Array<string>(entries * MAX_EXEMPLARS).fill('');
  }

  /** The entry of name `nameId`'s spans that have no path. */
  unpathedEntry(nameId: number): number {
    return this.#pathCapacity + nameId;
  }

  /**
   * Records the span whose numbers are in `span` (SPAN_DURATION >= 0 and finite). They come
   * through this array, not as arguments: a double passed to a call that V8 does not inline is
   * boxed in a fresh heap object, one allocation per span.
   */
  record(entry: number, error: boolean, ids: ExemplarIds): void {
    const records = this.#records;
    const span = this.span;
    const durationMs = span[SPAN_DURATION]!;
    const r = entry * STRIDE;
    if (records[r + ROW] === 0) this.#open(entry);
    const n = ++records[r + COUNT]!;
    const delta = durationMs - records[r + MEAN]!;
    const mean = records[r + MEAN]! + delta / n;
    records[r + MEAN] = mean;
    records[r + M2]! += delta * (durationMs - mean);
    records[r + SELF]! += span[SPAN_SELF]!;
    records[r + OFFSET]! += span[SPAN_OFFSET]!;
    if (error) records[r + ERRORS]!++;
    this.#addToSketch(r);
    if (durationMs > records[r + FLOOR]!) this.#offer(entry, ids.traceId, ids.spanId);
  }

  /** The window as SpanStats per path and per name (entries with no spans are left out). */
  snapshot(): RollupWindow {
    const window = new RollupWindow(this.startMs, this.#sketchOptions);
    Object.assign(window.counters, this.counters);
    for (const entry of this.#used) {
      if (this.#records[entry * STRIDE + COUNT] === 0) continue;
      const stats = this.#stats(entry);
      if (entry < this.#pathCapacity) window.paths[entry] = stats;
      else window.unpathed[entry - this.#pathCapacity] = stats;
    }
    return window;
  }

  /** Empties the window (keeping its memory) and starts it at `startMs`. */
  reset(startMs: number): void {
    for (const entry of this.#used) {
      const r = entry * STRIDE;
      const row = this.#records[r + ROW]! - 1;
      const low = this.#records[r + LOW]!;
      const high = this.#records[r + HIGH]!;
      if (high >= low) this.#pool.fill(0, row + low, row + high + 1);
      this.#clear(r);
    }
    for (const key of Object.keys(this.counters) as (keyof WindowCounters)[]) this.counters[key] = 0;
    this.startMs = startMs;
  }

  /** LogHistogram.add of the span's duration, on the record at `r` and its row. */
  #addToSketch(r: number): void {
    const records = this.#records;
    const pool = this.#pool;
    const layout = this.#layout;
    const valueMs = this.span[SPAN_DURATION]!;
    const row = records[r + ROW]! - 1;
    const n = records[r + COUNT]!;
    records[r + SUM]! += valueMs;
    if (valueMs < records[r + MIN]!) records[r + MIN] = valueMs;
    if (valueMs > records[r + MAX]!) records[r + MAX] = valueMs;
    if (n <= EXACT_CAPACITY) pool[row + layout.buckets + n - 1] = valueMs;
    if (valueMs < layout.minTrackableMs) {
      records[r + ZERO]!++;
      return;
    }
    // bucketOf, written out: a call here (V8 inlines only so much into onEnd) would box valueMs.
    let slot: number;
    const cells = layout.cells;
    if (cells.length === 0) {
      slot = bucketOf(layout, valueMs);
    } else {
      SCRATCH[0] = valueMs;
      const at = ((SCRATCH_WORDS[HIGH_WORD]! >>> layout.cellShift) - layout.cellBase) * 2;
      if (at >= cells.length) slot = layout.buckets - 1;
      else slot = valueMs > cells[at + 1]! ? cells[at]! + 1 : cells[at]!;
    }
    pool[row + slot]!++;
    if (slot < records[r + LOW]!) records[r + LOW] = slot;
    if (slot > records[r + HIGH]!) records[r + HIGH] = slot;
  }

  /** Gives `entry` a row (the pool doubles when full) and initial values. */
  #open(entry: number): void {
    const length = this.#rowLength;
    if ((this.#rows + 1) * length > this.#pool.length) {
      const grown = new Float64Array(this.#pool.length * 2);
      grown.set(this.#pool);
      this.#pool = grown;
    }
    this.#records[entry * STRIDE + ROW] = this.#rows++ * length + 1;
    this.#clear(entry * STRIDE);
    this.#used.push(entry);
  }

  #clear(r: number): void {
    const records = this.#records;
    records.fill(0, r, r + ROW);
    records[r + MIN] = Infinity;
    records[r + MAX] = -Infinity;
    records[r + LOW] = this.#layout.buckets;
    records[r + HIGH] = -1;
    records[r + FLOOR] = -Infinity;
    records[r + EXEMPLARS] = 0;
  }

  /** Keeps the span among the entry's five slowest (it already beats the floor). */
  #offer(entry: number, traceId: string, spanId: string): void {
    const durationMs = this.span[SPAN_DURATION]!;
    const r = entry * STRIDE;
    const first = entry * MAX_EXEMPLARS;
    const ms = this.#exemplarMs;
    const kept = this.#records[r + EXEMPLARS]!;
    let slot: number;
    if (kept < MAX_EXEMPLARS) {
      slot = first + kept;
      this.#records[r + EXEMPLARS] = kept + 1;
    } else {
      slot = first;
      for (let i = first + 1; i < first + MAX_EXEMPLARS; i++) if (ms[i]! < ms[slot]!) slot = i;
    }
    ms[slot] = durationMs;
    this.#exemplarTrace[slot] = traceId;
    this.#exemplarSpan[slot] = spanId;
    if (kept + 1 >= MAX_EXEMPLARS) {
      let floor = Infinity;
      for (let i = first; i < first + MAX_EXEMPLARS; i++) if (ms[i]! < floor) floor = ms[i]!;
      this.#records[r + FLOOR] = floor;
    }
  }

  #stats(entry: number): SpanStats {
    const records = this.#records;
    const r = entry * STRIDE;
    const row = records[r + ROW]! - 1;
    const buckets = this.#layout.buckets;
    const sketch = LogHistogram.fromParts(this.#sketchOptions ?? {}, {
      count: records[r + COUNT]!,
      sumMs: records[r + SUM]!,
      minMs: records[r + MIN]!,
      maxMs: records[r + MAX]!,
      zeroCount: records[r + ZERO]!,
      counts: this.#pool.subarray(row, row + buckets),
      low: records[r + LOW]!,
      high: records[r + HIGH]!,
      values: this.#pool.subarray(row + buckets, row + buckets + EXACT_CAPACITY),
    });
    const stats = new SpanStats(this.#sketchOptions, sketch);
    stats.mean = records[r + MEAN]!;
    stats.m2 = records[r + M2]!;
    stats.errors = records[r + ERRORS]!;
    stats.selfTotalMs = records[r + SELF]!;
    stats.startOffsetTotalMs = records[r + OFFSET]!;
    const first = entry * MAX_EXEMPLARS;
    for (let i = first; i < first + records[r + EXEMPLARS]!; i++) {
      stats.offerExemplar(this.#exemplarMs[i]!, this.#exemplarTrace[i]!, this.#exemplarSpan[i]!);
    }
    return stats;
  }
}
