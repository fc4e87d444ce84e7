/**
 * A mergeable, log-bucketed histogram (the DDSketch bucket layout) over a fixed, preallocated
 * bucket array. A value v lands in bucket i = ceil(log(v) / log(gamma)) with
 * gamma = (1 + a) / (1 - a), so every value in bucket i lies in (gamma^(i-1), gamma^i] and the
 * estimate 2 gamma^i / (gamma + 1) is within relative error a of it.
 *
 * Quantiles use the inverse of the empirical distribution function (the value of rank
 * ceil(q * n)), so they depend only on the distribution, not on the count: merging two copies of
 * a sketch doubles every count and leaves every quantile where it was.
 */

import { type BucketLayout, bucketLayout, bucketOf } from './buckets.ts';

/** Values kept raw (and quantiles answered exactly) while count <= this. */
export const EXACT_CAPACITY = 64;

/** Version of the JSON state written by `toJSON`. */
export const SKETCH_STATE_VERSION = 1;

/** The plain-JSON state of a LogHistogram (the `sketch` field of span-summary.json). */
export interface SketchState {
  version: number;
  relative_accuracy: number;
  min_trackable_ms: number;
  max_trackable_ms: number;
  count: number;
  sum_ms: number;
  /** null when empty. */
  min_ms: number | null;
  max_ms: number | null;
  /** Values below min_trackable_ms (including 0). */
  zero_count: number;
  /** Bucket index of counts[0]; counts run from the lowest to the highest non-empty bucket. */
  offset: number;
  counts: number[];
  /** The raw values, present exactly when count <= 64. */
  values?: number[];
}

export interface LogHistogramOptions {
  /** Relative error bound of quantile estimates, in (0, 1). Default 0.01. */
  relativeAccuracy?: number;
  /** Smallest value with the accuracy guarantee; smaller values share one bucket. Default 0.001 ms. */
  minTrackableMs?: number;
  /** Largest value with the accuracy guarantee; larger values share the top bucket. Default 600000 ms. */
  maxTrackableMs?: number;
}

/** Mergeable log-bucketed histogram with relative error <= relativeAccuracy over
 *  [minTrackableMs, maxTrackableMs]; exact for small counts. `add` is O(1) and allocates nothing. */
export class LogHistogram {
  readonly relativeAccuracy: number;
  readonly minTrackableMs: number;
  readonly maxTrackableMs: number;
  readonly #layout: BucketLayout;
  readonly #gamma: number;
  readonly #minIndex: number;
  readonly #counts: Float64Array;
  readonly #values = new Float64Array(EXACT_CAPACITY);
  #valuesSorted = true;
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;
  #zeroCount = 0;
  /** Lowest and highest non-empty bucket slots (empty when low > high). */
  #low = Number.MAX_SAFE_INTEGER;
  #high = -1;

  constructor(options: LogHistogramOptions = {}) {
    const layout = bucketLayout(options);
    this.relativeAccuracy = layout.relativeAccuracy;
    this.minTrackableMs = layout.minTrackableMs;
    this.maxTrackableMs = layout.maxTrackableMs;
    this.#layout = layout;
    this.#gamma = layout.gamma;
    this.#minIndex = layout.minIndex;
    this.#counts = new Float64Array(layout.buckets);
  }

  get count(): number {
    return this.#count;
  }
  get sum(): number {
    return this.#sum;
  }
  /** NaN when empty. */
  get min(): number {
    return this.#count === 0 ? NaN : this.#min;
  }
  /** NaN when empty. */
  get max(): number {
    return this.#count === 0 ? NaN : this.#max;
  }

  /** Records one value. Negative values count as 0; NaN and infinities are ignored. */
  add(valueMs: number): void {
    // One comparison rejects NaN and infinities and finds negatives on the common path.
    let value = valueMs;
    if (!(value >= 0 && value < Infinity)) {
      if (!(value < 0 && value > -Infinity)) return;
      value = 0;
    }
    const n = ++this.#count;
    this.#sum += value;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    if (n <= EXACT_CAPACITY) {
      this.#values[n - 1] = value;
      this.#valuesSorted = false;
    }
    if (value < this.minTrackableMs) {
      this.#zeroCount++;
      return;
    }
    const slot = bucketOf(this.#layout, value);
    this.#counts[slot]!++;
    if (slot < this.#low) this.#low = slot;
    if (slot > this.#high) this.#high = slot;
  }

  /**
   * The value of rank ceil(q * count) (inverse empirical distribution function): exact while
   * count <= 64, otherwise within relativeAccuracy of it. Clamped to [min, max]; monotone in q;
   * NaN when empty or q is NaN.
   */
  quantile(q: number): number {
    const n = this.#count;
    if (n === 0 || Number.isNaN(q)) return NaN;
    if (q <= 0) return this.#min;
    if (q >= 1) return this.#max;
    // The relative nudge keeps float noise in q * n (e.g. 0.999 * 1000) from skipping a rank.
    const rank = Math.max(1, Math.ceil(q * n * (1 - 1e-12)));
    if (n <= EXACT_CAPACITY) return this.#sortedValues()[rank - 1]!;
    let seen = this.#zeroCount;
    if (seen >= rank) return this.#min;
    for (let slot = this.#low; slot <= this.#high; slot++) {
      seen += this.#counts[slot]!;
      if (seen >= rank) {
        // The top bucket also holds everything beyond the trackable range: the max is the better answer there.
        if (slot === this.#counts.length - 1 && this.#max > this.maxTrackableMs) return this.#max;
        return this.#clamp(this.#estimate(slot));
      }
    }
    return this.#max;
  }

  /** Adds `other`'s values into this one, as if this histogram had seen them all. Throws on
   *  different parameters. */
  merge(other: LogHistogram): void {
    if (
      other.relativeAccuracy !== this.relativeAccuracy ||
      other.minTrackableMs !== this.minTrackableMs ||
      other.maxTrackableMs !== this.maxTrackableMs
    ) {
      throw new Error(
        `incompatible sketch parameters: relative accuracy ${this.relativeAccuracy} vs ${other.relativeAccuracy}, ` +
          `trackable range [${this.minTrackableMs}, ${this.maxTrackableMs}] vs [${other.minTrackableMs}, ${other.maxTrackableMs}] ms`,
      );
    }
    const otherCount = other.#count;
    if (otherCount === 0) return;
    const total = this.#count + otherCount;
    if (total <= EXACT_CAPACITY) {
      // Both sides still hold every raw value; copying by index also handles merging with itself.
      for (let i = 0; i < otherCount; i++) this.#values[this.#count + i] = other.#values[i]!;
      this.#valuesSorted = false;
    }
    for (let slot = other.#low; slot <= other.#high; slot++) this.#counts[slot]! += other.#counts[slot]!;
    if (other.#low < this.#low) this.#low = other.#low;
    if (other.#high > this.#high) this.#high = other.#high;
    this.#zeroCount += other.#zeroCount;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    this.#count = total;
  }

  /** Forgets every value; keeps the parameters and the memory. */
  reset(): void {
    if (this.#high >= this.#low) this.#counts.fill(0, this.#low, this.#high + 1);
    this.#low = Number.MAX_SAFE_INTEGER;
    this.#high = -1;
    this.#count = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
    this.#zeroCount = 0;
    this.#valuesSorted = true;
  }

  /** Plain-JSON state: parameters, totals, the non-empty bucket run, and raw values when exact. */
  toJSON(): SketchState {
    const empty = this.#count === 0;
    const hasBuckets = this.#high >= this.#low;
    const state: SketchState = {
      version: SKETCH_STATE_VERSION,
      relative_accuracy: this.relativeAccuracy,
      min_trackable_ms: this.minTrackableMs,
      max_trackable_ms: this.maxTrackableMs,
      count: this.#count,
      sum_ms: this.#sum,
      min_ms: empty ? null : this.#min,
      max_ms: empty ? null : this.#max,
      zero_count: this.#zeroCount,
      offset: hasBuckets ? this.#low + this.#minIndex : 0,
      counts: hasBuckets ? Array.from(this.#counts.subarray(this.#low, this.#high + 1)) : [],
    };
    if (this.#count <= EXACT_CAPACITY) state.values = Array.from(this.#values.subarray(0, this.#count));
    return state;
  }

  /** Rebuilds a histogram from `toJSON` output; throws an Error saying what is wrong with a bad state. */
  static fromJSON(state: SketchState): LogHistogram {
    if (typeof state !== 'object' || state === null) throw new Error('sketch state is not an object');
    if (state.version !== SKETCH_STATE_VERSION)
      throw new Error(`unsupported sketch state version ${String(state.version)} (expected ${SKETCH_STATE_VERSION})`);
    const histogram = new LogHistogram({
      relativeAccuracy: finite(state.relative_accuracy, 'relative_accuracy'),
      minTrackableMs: finite(state.min_trackable_ms, 'min_trackable_ms'),
      maxTrackableMs: finite(state.max_trackable_ms, 'max_trackable_ms'),
    });
    const count = wholeNumber(state.count, 'count');
    const zeroCount = wholeNumber(state.zero_count, 'zero_count');
    const offset = finite(state.offset, 'offset');
    if (!Array.isArray(state.counts)) throw new Error('sketch counts must be an array');
    const firstSlot = offset - histogram.#minIndex;
    if (
      state.counts.length > 0 &&
      (!Number.isInteger(offset) || firstSlot < 0 || firstSlot + state.counts.length > histogram.#counts.length)
    ) {
      throw new Error(`sketch buckets [${offset}, ${offset + state.counts.length}) fall outside the trackable range`);
    }
    let bucketTotal = zeroCount;
    for (let i = 0; i < state.counts.length; i++) {
      const c = wholeNumber(state.counts[i], `counts[${i}]`);
      if (c === 0) continue;
      const slot = firstSlot + i;
      histogram.#counts[slot] = c;
      if (slot < histogram.#low) histogram.#low = slot;
      if (slot > histogram.#high) histogram.#high = slot;
      bucketTotal += c;
    }
    if (bucketTotal !== count) throw new Error(`sketch counts add up to ${bucketTotal}, not count ${count}`);
    histogram.#count = count;
    histogram.#zeroCount = zeroCount;
    histogram.#sum = finite(state.sum_ms, 'sum_ms');
    if (count > 0) {
      histogram.#min = finite(state.min_ms, 'min_ms');
      histogram.#max = finite(state.max_ms, 'max_ms');
      if (histogram.#min > histogram.#max)
        throw new Error(`sketch min_ms ${histogram.#min} exceeds max_ms ${histogram.#max}`);
    }
    if (count <= EXACT_CAPACITY) {
      if (!Array.isArray(state.values) || state.values.length !== count)
        throw new Error(`sketch with count ${count} must carry exactly ${count} values`);
      for (let i = 0; i < count; i++) histogram.#values[i] = finite(state.values[i], `values[${i}]`);
      histogram.#valuesSorted = false;
    }
    return histogram;
  }

  #sortedValues(): Float64Array {
    const view = this.#values.subarray(0, this.#count);
    if (!this.#valuesSorted) {
      view.sort();
      this.#valuesSorted = true;
    }
    return view;
  }

  #estimate(slot: number): number {
    return (2 * this.#gamma ** (slot + this.#minIndex)) / (this.#gamma + 1);
  }

  #clamp(value: number): number {
    return value < this.#min ? this.#min : Math.min(value, this.#max);
  }
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`sketch ${field} must be a finite number, got ${JSON.stringify(value)}`);
  return value;
}

function wholeNumber(value: unknown, field: string): number {
  const n = finite(value, field);
  if (!Number.isInteger(n) || n < 0) throw new Error(`sketch ${field} must be a non-negative integer, got ${n}`);
  return n;
}
