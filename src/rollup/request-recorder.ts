/**
 * Records each finished request (a local root and the spans of its tree) into the RequestStats of
 * its root's name: the root duration, unattributed time and share sketches, per root-duration
 * bucket the request count, duration sum and stage self-time sums, and the kept traces.
 * `snapshot()` hands out copies, the form documents, merging and subtraction use.
 */
import { type BucketLayout, bucketLayout, bucketOf } from './buckets.ts';
import { coveredMs } from './coverage.ts';
import type { KeptSpan, KeptTrace } from './document.ts';
import { KeptTraces } from './kept-traces.ts';
import type { SpanRegistry } from './registry.ts';
import { RequestStats, shareSketchOptions, TAIL_BUCKET_WIDTH } from './request-stats.ts';
import type { WindowCounters } from './rollup-window.ts';
import type { LogHistogramOptions } from './sketch.ts';
import type { SpanNode } from './span-node.ts';

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

/** The live state of one root name. */
interface RootTable {
  stats: RequestStats;
  kept: KeptTraces;
}

export class RequestRecorder {
  readonly #options: RequestRecorderOptions;
  readonly #registry: SpanRegistry;
  readonly #counters: WindowCounters;
  readonly #layout: BucketLayout;
  /** By root name id. */
  readonly #tables = new Map<number, RootTable>();
  #starts = new Float64Array(64);
  #ends = new Float64Array(64);

  /** `counters` is the window's (overflow.roots); kept, not copied. */
  constructor(options: RequestRecorderOptions, registry: SpanRegistry, counters: WindowCounters) {
    this.#options = options;
    this.#registry = registry;
    this.#counters = counters;
    this.#layout = bucketLayout(options.sketch);
  }

  /** Records the request of `root` (aggregated, with its `selfMs` and `nameId`) and the other
   *  aggregated spans of its tree; `truncated` spans of it were left out by a bound. */
  finish(root: SpanNode, spans: readonly SpanNode[], truncated: number): void {
    const table = this.#table(root.nameId);
    if (table === undefined) return;
    const { stats, kept } = table;
    const durationMs = root.durationMs;
    const layout = this.#layout;
    const slot = durationMs >= layout.minTrackableMs ? bucketOf(layout, durationMs) : 0;
    const bucket = stats.bucket(Math.floor((slot + layout.minIndex) / TAIL_BUCKET_WIDTH));
    bucket.count++;
    bucket.rootMs += durationMs;
    const stages = bucket.stages;
    const registry = this.#registry;
    stages.set(registry.name(root.nameId), (stages.get(registry.name(root.nameId)) ?? 0) + root.selfMs);
    if (this.#starts.length < spans.length) {
      this.#starts = new Float64Array(spans.length * 2);
      this.#ends = new Float64Array(spans.length * 2);
    }
    let leaves = 0;
    for (const node of spans) {
      if (node.nameId >= 0) {
        const name = registry.name(node.nameId);
        stages.set(name, (stages.get(name) ?? 0) + node.selfMs);
      }
      if (node.firstChild !== null) continue;
      this.#starts[leaves] = node.startMs;
      this.#ends[leaves++] = node.startMs + node.durationMs;
    }
    const covered =
      spans.length > 0
        ? coveredMs(this.#starts, this.#ends, leaves, root.startMs, root.startMs + durationMs)
        : durationMs;
    const unattributedMs = durationMs > covered ? durationMs - covered : 0;
    stats.duration.add(durationMs);
    stats.unattributed.add(unattributedMs);
    stats.share.add(durationMs > 0 ? unattributedMs / durationMs : 0);
    const count = stats.count;
    if ((count & (count - 1)) === 0 || count % MEDIAN_EVERY === 0) kept.medianMs = stats.duration.quantile(0.5);
    if (kept.wantsSlowest(durationMs) || kept.wantsTypical(durationMs)) kept.add(keptTrace(root, spans, truncated));
  }

  /** Copies of the tables, one per root name that saw a request. */
  snapshot(): RequestStats[] {
    const list: RequestStats[] = [];
    for (const { stats, kept } of this.#tables.values()) {
      if (stats.count === 0) continue;
      const copy = stats.copy();
      copy.slowest = [...kept.slowest];
      copy.typical = [...kept.typical];
      list.push(copy);
    }
    return list;
  }

  /** Empties every table; root names keep their places. */
  reset(): void {
    for (const table of this.#tables.values()) {
      table.stats = this.#newStats(table.stats.root);
      table.kept.reset();
    }
  }

  /** The table of root name `nameId`, made on first use; undefined (and counted) when there is no room. */
  #table(nameId: number): RootTable | undefined {
    const known = this.#tables.get(nameId);
    if (known !== undefined) return known;
    if (nameId < 0 || this.#tables.size >= this.#options.maxRoots) {
      this.#counters.rootOverflow++;
      return undefined;
    }
    const table = {
      stats: this.#newStats(this.#registry.name(nameId)),
      kept: new KeptTraces(this.#options.keepSlowest, this.#options.keepTypical),
    };
    this.#tables.set(nameId, table);
    return table;
  }

  #newStats(root: string): RequestStats {
    const sketch = this.#options.sketch;
    return new RequestStats(root, sketch, TAIL_BUCKET_WIDTH, shareSketchOptions(sketch));
  }
}

/** The exact span tree of a request, root first then by start. */
function keptTrace(root: SpanNode, spans: readonly SpanNode[], truncated: number): KeptTrace {
  const startMs = root.startMs;
  const children: KeptSpan[] = spans.map((node) => ({
    span_id: node.spanId,
    parent_span_id: node.parentSpanId,
    name: node.name,
    start_ms: node.startMs - startMs,
    duration_ms: node.durationMs,
  }));
  children.sort((a, b) => a.start_ms - b.start_ms);
  const trace: KeptTrace = {
    trace_id: root.traceId,
    duration_ms: root.durationMs,
    spans: [
      {
        span_id: root.spanId,
        parent_span_id: '',
        name: root.name,
        start_ms: 0,
        duration_ms: root.durationMs,
      },
      ...children,
    ],
  };
  if (truncated > 0) trace.truncated_spans = truncated;
  return trace;
}
