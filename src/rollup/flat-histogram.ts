/**
 * A LogHistogram's state kept in one Float64Array (totals, bucket counts, the first 64 values), for
 * the per-request sketches of the request recorder: no boxed fields to chase, and code of its own.
 * (RecordingWindow.record would do the same work, but calling it per request too got it optimised
 * on its own, after which V8 would no longer inline it into onEnd.) `toHistogram()` gives the
 * equivalent LogHistogram.
 */

import type { BucketLayout } from './buckets.ts';
import * as buckets from './buckets.ts';
import * as sketch from './sketch.ts';
import { LogHistogram, type LogHistogramOptions } from './sketch.ts';

const { bucketLayout, bucketOf } = buckets;
const { EXACT_CAPACITY } = sketch;

const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const ZERO = 4;
const LOW = 5;
const HIGH = 6;
/** Where the bucket counts start; the values follow them. */
const HEADER = 7;

export class FlatHistogram {
  readonly #options: LogHistogramOptions;
  readonly #layout: BucketLayout;
  readonly #data: Float64Array;

  constructor(options: LogHistogramOptions = {}) {
    this.#options = options;
    this.#layout = bucketLayout(options);
    this.#data = new Float64Array(HEADER + this.#layout.buckets + EXACT_CAPACITY);
    this.reset();
  }

  get count(): number {
    return this.#data[COUNT]!;
  }

  /** LogHistogram.add: negative values count as 0; NaN and infinities are ignored. */
  add(valueMs: number): void {
    let value = valueMs;
    if (!(value >= 0 && value < Infinity)) {
      if (!(value < 0 && value > -Infinity)) return;
      value = 0;
    }
    const data = this.#data;
    const layout = this.#layout;
    const n = ++data[COUNT]!;
    data[SUM]! += value;
    if (value < data[MIN]!) data[MIN] = value;
    if (value > data[MAX]!) data[MAX] = value;
    if (n <= EXACT_CAPACITY) data[HEADER + layout.buckets + n - 1] = value;
    if (value < layout.minTrackableMs) {
      data[ZERO]!++;
      return;
    }
    const slot = bucketOf(layout, value);
    data[HEADER + slot]!++;
    if (slot < data[LOW]!) data[LOW] = slot;
    if (slot > data[HIGH]!) data[HIGH] = slot;
  }

  /** The same values as a LogHistogram. */
  toHistogram(): LogHistogram {
    const data = this.#data;
    const slots = this.#layout.buckets;
    return LogHistogram.fromParts(this.#options, {
      count: data[COUNT]!,
      sumMs: data[SUM]!,
      minMs: data[MIN]!,
      maxMs: data[MAX]!,
      zeroCount: data[ZERO]!,
      counts: data.subarray(HEADER, HEADER + slots),
      low: data[LOW]!,
      high: data[HIGH]!,
      values: data.subarray(HEADER + slots, HEADER + slots + EXACT_CAPACITY),
    });
  }

  /** Forgets every value. */
  reset(): void {
    const data = this.#data;
    data.fill(0, 0, HEADER + this.#layout.buckets);
    data[MIN] = Infinity;
    data[MAX] = -Infinity;
    data[LOW] = this.#layout.buckets;
    data[HIGH] = -1;
  }
}
