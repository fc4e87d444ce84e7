/**
 * The mergeable state of the requests of one root span name: sketches of the root's duration, of
 * the unattributed time and of its share, and per root-duration bucket the number of requests,
 * the sum of their durations and the sum of each stage's self time. No list of requests: the tail
 * is read off the buckets (tail.ts). Everything adds when documents merge and subtracts between
 * two snapshots of one process, exactly.
 *
 * A bucket is `bucket_width` consecutive buckets of the duration sketch (4 by default, about 8%
 * wide at the default 1% accuracy): fine enough to tell the slow requests from the rest, coarse
 * enough that a root keeps at most a few hundred rows of stage sums.
 */
import type { KeptTrace, RequestBucket, RequestEntry, RequestState } from './document.ts';
import { keptSince, nearestTo, slowestOf } from './kept-traces.ts';
import { LogHistogram, type LogHistogramOptions } from './sketch.ts';
import { subtractSketch } from './sketch-diff.ts';

/** Version of RequestState this code writes and reads. */
export const REQUEST_STATE_VERSION = 1;
/** Duration sketch buckets per tail bucket. */
export const TAIL_BUCKET_WIDTH = 4;

/** The share sketch's range: shares are 0..1, and a millionth of a request is as good as none. */
export function shareSketchOptions(sketch: LogHistogramOptions | undefined): LogHistogramOptions {
  return { relativeAccuracy: sketch?.relativeAccuracy ?? 0.01, minTrackableMs: 1e-6, maxTrackableMs: 1 };
}

/** Requests whose root durations fell in one bucket. */
export interface TailBucket {
  count: number;
  rootMs: number;
  /** Self time per span name, summed over the bucket's requests. */
  stages: Map<string, number>;
}

export class RequestStats {
  readonly root: string;
  readonly bucketWidth: number;
  readonly duration: LogHistogram;
  readonly unattributed: LogHistogram;
  readonly share: LogHistogram;
  /** By bucket index. */
  readonly buckets = new Map<number, TailBucket>();
  /** Slowest first. */
  slowest: KeptTrace[] = [];
  /** Nearest the median first. */
  typical: KeptTrace[] = [];

  constructor(
    root: string,
    sketch?: LogHistogramOptions,
    bucketWidth = TAIL_BUCKET_WIDTH,
    share?: LogHistogramOptions,
  ) {
    this.root = root;
    this.bucketWidth = bucketWidth;
    this.duration = new LogHistogram(sketch);
    this.unattributed = new LogHistogram(sketch);
    this.share = new LogHistogram(share ?? shareSketchOptions(sketch));
  }

  get count(): number {
    return this.duration.count;
  }

  /** A separate RequestStats with the same content. */
  copy(): RequestStats {
    const copy = new RequestStats(this.root, optionsOf(this.duration), this.bucketWidth, optionsOf(this.share));
    copy.merge(this);
    return copy;
  }

  /** The bucket `index`, created empty on first use. */
  bucket(index: number): TailBucket {
    let bucket = this.buckets.get(index);
    if (!bucket) {
      bucket = { count: 0, rootMs: 0, stages: new Map() };
      this.buckets.set(index, bucket);
    }
    return bucket;
  }

  /** Adds `other` into this, as if this had seen its requests too. Throws on incompatible states. */
  merge(other: RequestStats): void {
    if (other.bucketWidth !== this.bucketWidth)
      throw new Error(`request buckets of width ${this.bucketWidth} and ${other.bucketWidth} cannot be merged`);
    this.duration.merge(other.duration);
    this.unattributed.merge(other.unattributed);
    this.share.merge(other.share);
    for (const [index, theirs] of other.buckets) {
      const mine = this.bucket(index);
      mine.count += theirs.count;
      mine.rootMs += theirs.rootMs;
      for (const [name, ms] of theirs.stages) mine.stages.set(name, (mine.stages.get(name) ?? 0) + ms);
    }
    // As many kept traces as the larger input held: the processor's K, whatever the inputs.
    this.slowest = slowestOf([this.slowest, other.slowest], Math.max(this.slowest.length, other.slowest.length));
    this.typical = nearestTo(
      [this.typical, other.typical],
      this.duration.quantile(0.5),
      Math.max(this.typical.length, other.typical.length),
    );
  }

  /** The requests `after` saw since `before` (an earlier snapshot of the same processor). Kept
   *  traces are those of `after` that `before` lacks. Throws when `before` is not earlier. */
  static difference(after: RequestStats, before: RequestStats): RequestStats {
    if (after.bucketWidth !== before.bucketWidth)
      throw new Error('request states of different bucket widths cannot be subtracted');
    const state = after.toState();
    const old = before.toState();
    const buckets: RequestBucket[] = [];
    const earlier = new Map(old.buckets.map((bucket) => [bucket.index, bucket]));
    for (const bucket of state.buckets) {
      const b = earlier.get(bucket.index);
      earlier.delete(bucket.index);
      const count = bucket.count - (b?.count ?? 0);
      if (count < 0) throw new Error(`bucket ${bucket.index} has fewer requests in the later state`);
      if (count === 0) continue;
      const stages: Record<string, number> = {};
      // Float sums subtract with rounding: a difference of a few ulps below 0 is 0.
      for (const [name, ms] of Object.entries(bucket.stages)) stages[name] = Math.max(0, ms - (b?.stages[name] ?? 0));
      buckets.push({ index: bucket.index, count, root_ms: Math.max(0, bucket.root_ms - (b?.root_ms ?? 0)), stages });
    }
    if ([...earlier.values()].some((bucket) => bucket.count > 0))
      throw new Error('the earlier state has requests the later one lacks');
    const difference: RequestState = {
      ...state,
      duration: subtractSketch(state.duration, old.duration),
      unattributed: subtractSketch(state.unattributed, old.unattributed),
      share: subtractSketch(state.share, old.share),
      buckets,
    };
    return RequestStats.fromState(
      after.root,
      difference,
      keptSince(after.slowest, before.slowest),
      keptSince(after.typical, before.typical),
    );
  }

  toState(): RequestState {
    const buckets: RequestBucket[] = [...this.buckets]
      .filter(([, bucket]) => bucket.count > 0)
      .sort(([a], [b]) => a - b)
      .map(([index, bucket]) => ({
        index,
        count: bucket.count,
        root_ms: bucket.rootMs,
        stages: Object.fromEntries([...bucket.stages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      }));
    return {
      version: REQUEST_STATE_VERSION,
      bucket_width: this.bucketWidth,
      duration: this.duration.toJSON(),
      unattributed: this.unattributed.toJSON(),
      share: this.share.toJSON(),
      buckets,
    };
  }

  /** Rebuilds the stats of a document entry; throws an Error saying what is wrong with a bad state. */
  static fromEntry(entry: RequestEntry): RequestStats {
    if (!entry.state) throw new Error('no state (a hand-made entry?): it cannot be merged or subtracted');
    return RequestStats.fromState(entry.root, entry.state, entry.slowest, entry.typical);
  }

  static fromState(root: string, state: RequestState, slowest: KeptTrace[], typical: KeptTrace[]): RequestStats {
    if (state.version !== REQUEST_STATE_VERSION)
      throw new Error(`unsupported request state version ${String(state.version)} (expected ${REQUEST_STATE_VERSION})`);
    if (!(Number.isInteger(state.bucket_width) && state.bucket_width > 0))
      throw new Error(`bucket_width must be a positive integer, got ${String(state.bucket_width)}`);
    const duration = LogHistogram.fromJSON(state.duration);
    const share = LogHistogram.fromJSON(state.share);
    const stats = new RequestStats(root, optionsOf(duration), state.bucket_width, optionsOf(share));
    stats.duration.merge(duration);
    stats.unattributed.merge(LogHistogram.fromJSON(state.unattributed));
    stats.share.merge(share);
    let total = 0;
    for (const bucket of state.buckets) {
      const mine = stats.bucket(bucket.index);
      mine.count += bucket.count;
      mine.rootMs += bucket.root_ms;
      for (const [name, ms] of Object.entries(bucket.stages)) mine.stages.set(name, (mine.stages.get(name) ?? 0) + ms);
      total += bucket.count;
    }
    if (total !== duration.count)
      throw new Error(`request buckets count ${total} requests, the duration sketch ${duration.count}`);
    stats.slowest = [...slowest];
    stats.typical = [...typical];
    return stats;
  }
}

function optionsOf(histogram: LogHistogram): LogHistogramOptions {
  return {
    relativeAccuracy: histogram.relativeAccuracy,
    minTrackableMs: histogram.minTrackableMs,
    maxTrackableMs: histogram.maxTrackableMs,
  };
}
