/**
 * Records each finished request (a local root span that ended, with its buffered spans) into the
 * tables of its root's name: the root duration, unattributed time and share sketches, per
 * root-duration bucket the request count, duration sum and stage self-time sums (flat rows indexed
 * by name id, so a request adds its spans without a lookup), and the kept traces. `snapshot()`
 * turns the tables into RequestStats, the mergeable form documents are made from.
 *
 * Runs once per request, at the root's end: one pass over the request's spans, three flat sketch
 * updates (flat-histogram.ts), and the kept-trace checks; a tree is built only for a request that
 * is kept.
 */
import * as buckets from './buckets.ts';
import * as coverage from './coverage.ts';
import { FlatHistogram } from './flat-histogram.ts';
import { KeptTraces } from './kept-traces.ts';
import type { SpanRegistry } from './registry.ts';
import { RequestStats, shareSketchOptions, TAIL_BUCKET_WIDTH } from './request-stats.ts';
import type { LogHistogramOptions } from './sketch.ts';
import { IN_DURATION, IN_LEAF, IN_SELF, IN_START, type TraceBuffer } from './trace-buffer.ts';
import type { WindowCounters } from './window.ts';

const { bucketLayout, bucketOf } = buckets;
const { COVERED, FROM, TO, coveredMs } = coverage;

/** The bounds and choices of a RequestRecorder. */
export interface RequestRecorderOptions {
  /** Distinct root span names with tables; requests of further names count in overflow.roots. */
  maxRoots: number;
  /** Slowest and typical traces kept per root name. */
  keepSlowest: number;
  keepTypical: number;
  sketch?: LogHistogramOptions;
}

/** Re-estimate the median for typical traces at counts that are powers of two, then every this many. */
const MEDIAN_EVERY = 1024;

/** The live tables of one root name. */
class RootTables {
  readonly nameId: number;
  readonly duration: FlatHistogram;
  readonly unattributed: FlatHistogram;
  readonly share: FlatHistogram;
  /** Per tail bucket b (index minus the layout's first): at 2b the requests and at 2b + 1 their
   *  duration sum, side by side (one cache line per request); and the stage sums by name id. */
  readonly sums: Float64Array;
  readonly rows: (Float64Array | undefined)[];
  readonly kept: KeptTraces;

  constructor(nameId: number, buckets: number, options: RequestRecorderOptions) {
    this.nameId = nameId;
    this.duration = new FlatHistogram(options.sketch);
    this.unattributed = new FlatHistogram(options.sketch);
    this.share = new FlatHistogram(shareSketchOptions(options.sketch));
    this.sums = new Float64Array(2 * buckets);
    this.rows = new Array<Float64Array | undefined>(buckets).fill(undefined);
    this.kept = new KeptTraces(options.keepSlowest, options.keepTypical);
  }
}

export class RequestRecorder {
  readonly #options: RequestRecorderOptions;
  readonly #registry: SpanRegistry;
  readonly #counters: WindowCounters;
  readonly #layout: buckets.BucketLayout;
  /** Tail bucket index of layout slot 0. */
  readonly #firstBucket: number;
  readonly #buckets: number;
  /** Root tables by name id (-1: none yet). */
  readonly #rootOf: Int32Array;
  readonly #roots: RootTables[] = [];
  readonly #starts: Float64Array;
  readonly #ends: Float64Array;
  readonly #io = new Float64Array(3);

  /** `counters` is the window's (overflow.roots); kept, not copied. */
  constructor(
    options: RequestRecorderOptions,
    registry: SpanRegistry,
    maxSpansPerTrace: number,
    counters: WindowCounters,
  ) {
    this.#options = options;
    this.#registry = registry;
    this.#counters = counters;
    const layout = bucketLayout(options.sketch);
    this.#layout = layout;
    this.#firstBucket = Math.floor(layout.minIndex / TAIL_BUCKET_WIDTH);
    this.#buckets = Math.floor((layout.minIndex + layout.buckets - 1) / TAIL_BUCKET_WIDTH) - this.#firstBucket + 1;
    this.#rootOf = new Int32Array(registry.maxNames).fill(-1);
    this.#starts = new Float64Array(maxSpansPerTrace);
    this.#ends = new Float64Array(maxSpansPerTrace);
  }

  /**
   * Records request `index` of `buffer`: its root, named `nameId`, has just ended, its numbers in
   * `buffer.root`. Then releases the request's buffer, whatever happens.
   */
  finish(buffer: TraceBuffer, index: number, nameId: number, root: { traceId: string; spanId: string }): void {
    // One body, not a helper: V8 would inline a small wrapper into onEnd and spend its inlining
    // room there (see processor.ts).
    try {
      const r = this.#tableIndex(nameId);
      if (r < 0) return;
      const tables = this.#roots[r]!;
      const numbers = buffer.root;
      const startMs = numbers[IN_START]!;
      const durationMs = numbers[IN_DURATION]!;
      const layout = this.#layout;
      const slot = durationMs >= layout.minTrackableMs ? bucketOf(layout, durationMs) : 0;
      const bucket = Math.floor((slot + layout.minIndex) / TAIL_BUCKET_WIDTH) - this.#firstBucket;
      tables.sums[2 * bucket]!++;
      tables.sums[2 * bucket + 1]! += durationMs;
      const row = this.#row(tables, bucket);
      row[nameId]! += numbers[IN_SELF]!;
      const leaves = buffer.walk(index, row, this.#starts, this.#ends);
      let covered = durationMs;
      if (numbers[IN_LEAF] !== 1) {
        const io = this.#io;
        io[FROM] = startMs;
        io[TO] = startMs + durationMs;
        coveredMs(this.#starts, this.#ends, leaves, io);
        covered = io[COVERED]!;
      }
      const unattributedMs = durationMs > covered ? durationMs - covered : 0;
      tables.duration.add(durationMs);
      tables.unattributed.add(unattributedMs);
      tables.share.add(durationMs > 0 ? unattributedMs / durationMs : 0);
      const kept = tables.kept;
      const count = tables.duration.count;
      if ((count & (count - 1)) === 0 || count % MEDIAN_EVERY === 0)
        kept.medianMs = tables.duration.toHistogram().quantile(0.5);
      if (kept.wantsSlowest(durationMs) || kept.wantsTypical(durationMs)) {
        const registry = this.#registry;
        kept.add(
          buffer.tree(
            index,
            { traceId: root.traceId, spanId: root.spanId, name: registry.name(nameId), startMs, durationMs },
            (id) => registry.name(id),
          ),
        );
      }
    } finally {
      buffer.release(index);
    }
  }

  /** The tables as RequestStats, one per root name that saw a request. */
  snapshot(): RequestStats[] {
    const list: RequestStats[] = [];
    const registry = this.#registry;
    for (const tables of this.#roots) {
      if (tables.duration.count === 0) continue;
      const stats = new RequestStats(
        registry.name(tables.nameId),
        this.#options.sketch,
        TAIL_BUCKET_WIDTH,
        shareSketchOptions(this.#options.sketch),
      );
      stats.duration.merge(tables.duration.toHistogram());
      stats.unattributed.merge(tables.unattributed.toHistogram());
      stats.share.merge(tables.share.toHistogram());
      for (let b = 0; b < this.#buckets; b++) {
        const count = tables.sums[2 * b]!;
        if (count === 0) continue;
        const bucket = stats.bucket(b + this.#firstBucket);
        bucket.count = count;
        bucket.rootMs = tables.sums[2 * b + 1]!;
        tables.rows[b]!.forEach((ms, nameId) => {
          if (ms > 0) bucket.stages.set(registry.name(nameId), ms);
        });
      }
      stats.slowest = [...tables.kept.slowest];
      stats.typical = [...tables.kept.typical];
      list.push(stats);
    }
    return list;
  }

  /** Empties every table, keeping the memory. */
  reset(): void {
    for (const tables of this.#roots) {
      tables.duration.reset();
      tables.unattributed.reset();
      tables.share.reset();
      tables.sums.fill(0);
      for (const row of tables.rows) row?.fill(0);
      tables.kept.reset();
    }
  }

  /** The table of root name `nameId`, made on first use; -1 when there is no room. */
  #tableIndex(nameId: number): number {
    const at = nameId < 0 ? -1 : this.#rootOf[nameId]!;
    if (at >= 0) return at;
    if (nameId < 0 || this.#roots.length >= this.#options.maxRoots) {
      this.#counters.rootOverflow++;
      return -1;
    }
    this.#rootOf[nameId] = this.#roots.length;
    this.#roots.push(new RootTables(nameId, this.#buckets, this.#options));
    return this.#roots.length - 1;
  }

  /** The stage row of `bucket`, long enough for every name id so far (grown as names appear). */
  #row(tables: RootTables, bucket: number): Float64Array {
    const names = this.#registry.nameCount;
    let row = tables.rows[bucket];
    if (row === undefined || row.length < names) {
      const grown = new Float64Array(Math.min(this.#registry.maxNames, Math.max(names, 2 * (row?.length ?? 8))));
      if (row) grown.set(row);
      tables.rows[bucket] = row = grown;
    }
    return row;
  }
}
