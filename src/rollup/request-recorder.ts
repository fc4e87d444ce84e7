/**
 * Records each finished request (a local root span that ended, with its buffered spans) into the
 * tables of its root's name: the root duration, unattributed time and share sketches, per
 * root-duration bucket the request count, duration sum and stage self-time sums (flat rows indexed
 * by name id, so a request adds its spans without a lookup), and the kept traces. `snapshot()`
 * turns the tables into RequestStats, the mergeable form documents are made from.
 *
 * Runs once per request, at the root's end, so it can afford a loop over the request's spans; the
 * per-span work stays in TraceBuffer.append.
 */
import type { KeptTrace } from './document.ts';
import * as buckets from './buckets.ts';
import { coveredMs } from './coverage.ts';
import { KeptTraces } from './kept-traces.ts';
import { RequestStats, shareSketchOptions, TAIL_BUCKET_WIDTH } from './request-stats.ts';
import type { SpanRegistry } from './registry.ts';
import { LogHistogram, type LogHistogramOptions } from './sketch.ts';
import { IN_DURATION, IN_SELF, IN_START, type RootSpan, type TraceBuffer } from './trace-buffer.ts';
import type { WindowCounters } from './window.ts';

const { bucketLayout, bucketOf } = buckets;

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
  readonly duration: LogHistogram;
  readonly unattributed: LogHistogram;
  readonly share: LogHistogram;
  /** Per tail bucket (index minus the layout's first): requests, their duration sum, stage sums by name id. */
  readonly counts: Float64Array;
  readonly rootMs: Float64Array;
  readonly rows: (Float64Array | undefined)[];
  readonly kept: KeptTraces;

  constructor(nameId: number, buckets: number, options: RequestRecorderOptions) {
    this.nameId = nameId;
    this.duration = new LogHistogram(options.sketch);
    this.unattributed = new LogHistogram(options.sketch);
    this.share = new LogHistogram(shareSketchOptions(options.sketch));
    this.counts = new Float64Array(buckets);
    this.rootMs = new Float64Array(buckets);
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

  /** `counters` is the window's (overflow.roots); kept, not copied. */
  constructor(options: RequestRecorderOptions, registry: SpanRegistry, maxSpansPerTrace: number, counters: WindowCounters) {
    this.#options = options;
    this.#registry = registry;
    this.#counters = counters;
    const layout = (this.#layout = bucketLayout(options.sketch));
    this.#firstBucket = Math.floor(layout.minIndex / TAIL_BUCKET_WIDTH);
    this.#buckets = Math.floor((layout.minIndex + layout.buckets - 1) / TAIL_BUCKET_WIDTH) - this.#firstBucket + 1;
    this.#rootOf = new Int32Array(registry.maxNames).fill(-1);
    this.#starts = new Float64Array(maxSpansPerTrace);
    this.#ends = new Float64Array(maxSpansPerTrace);
  }

  /**
   * Records request `index` of `buffer`: its root named `nameId` has just ended, its start,
   * duration and self time in `buffer.input`; `leafRoot` when the root had no child. The caller
   * releases the request afterwards.
   */
  finish(buffer: TraceBuffer, index: number, nameId: number, leafRoot: boolean, root: { traceId: string; spanId: string }): void {
    const tables = this.#tables(nameId);
    if (tables === undefined) return;
    const input = buffer.input;
    const startMs = input[IN_START]!;
    const durationMs = input[IN_DURATION]!;
    let covered = durationMs;
    if (!leafRoot) covered = coveredMs(this.#starts, this.#ends, buffer.leaves(index, this.#starts, this.#ends), startMs, startMs + durationMs);
    const unattributedMs = durationMs > covered ? durationMs - covered : 0;
    tables.duration.add(durationMs);
    tables.unattributed.add(unattributedMs);
    tables.share.add(durationMs > 0 ? unattributedMs / durationMs : 0);
    const layout = this.#layout;
    const slot = durationMs >= layout.minTrackableMs ? bucketOf(layout, durationMs) : 0;
    const bucket = Math.floor((slot + layout.minIndex) / TAIL_BUCKET_WIDTH) - this.#firstBucket;
    tables.counts[bucket]!++;
    tables.rootMs[bucket]! += durationMs;
    const row = this.#row(tables, bucket);
    buffer.addSelfTimes(index, row);
    row[nameId]! += input[IN_SELF]!;
    const kept = tables.kept;
    const count = tables.duration.count;
    if ((count & (count - 1)) === 0 || count % MEDIAN_EVERY === 0) kept.medianMs = tables.duration.quantile(0.5);
    if (kept.wantsSlowest(durationMs) || kept.wantsTypical(durationMs)) kept.add(this.#tree(buffer, index, nameId, root, startMs, durationMs));
  }

  /** The tables as RequestStats, one per root name that saw a request. */
  snapshot(): RequestStats[] {
    const list: RequestStats[] = [];
    const registry = this.#registry;
    for (const tables of this.#roots) {
      if (tables.duration.count === 0) continue;
      const stats = new RequestStats(registry.name(tables.nameId), this.#options.sketch, TAIL_BUCKET_WIDTH, shareSketchOptions(this.#options.sketch));
      stats.duration.merge(tables.duration);
      stats.unattributed.merge(tables.unattributed);
      stats.share.merge(tables.share);
      tables.counts.forEach((count, b) => {
        if (count === 0) return;
        const bucket = stats.bucket(b + this.#firstBucket);
        bucket.count = count;
        bucket.rootMs = tables.rootMs[b]!;
        tables.rows[b]!.forEach((ms, nameId) => {
          if (ms > 0) bucket.stages.set(registry.name(nameId), ms);
        });
      });
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
      tables.counts.fill(0);
      tables.rootMs.fill(0);
      for (const row of tables.rows) row?.fill(0);
      tables.kept.reset();
    }
  }

  #tables(nameId: number): RootTables | undefined {
    if (nameId < 0) {
      this.#counters.rootOverflow++;
      return undefined;
    }
    const at = this.#rootOf[nameId]!;
    if (at >= 0) return this.#roots[at];
    if (this.#roots.length >= this.#options.maxRoots) {
      this.#counters.rootOverflow++;
      return undefined;
    }
    this.#rootOf[nameId] = this.#roots.length;
    const tables = new RootTables(nameId, this.#buckets, this.#options);
    this.#roots.push(tables);
    return tables;
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

  #tree(buffer: TraceBuffer, index: number, nameId: number, root: { traceId: string; spanId: string }, startMs: number, durationMs: number): KeptTrace {
    const registry = this.#registry;
    const span: RootSpan = { traceId: root.traceId, spanId: root.spanId, name: registry.name(nameId), startMs, durationMs };
    return buffer.tree(index, span, (id) => registry.name(id));
  }
}
