/**
 * Turns a RollupWindow into a span summary document: one entry per path, and one per name made
 * by merging that name's paths with its path-less spans (so per-name statistics stay complete
 * when the path table overflows).
 */
import {
  type PathEntry,
  type ResourceEntry,
  SCHEMA_VERSION,
  type SpanEntry,
  type SpanSummaryDocument,
} from './document.ts';
import type { SpanRegistry } from './registry.ts';
import type { LogHistogramOptions } from './sketch.ts';
import { SpanStats } from './stats.ts';
import { requestEntry } from './tail.ts';
import type { RollupWindow } from './window.ts';

export interface DocumentMeta {
  serviceName: string;
  kind: SpanSummaryDocument['window']['kind'];
  endMs: number;
  droppedSpans: number;
  sampler: string;
  sketchOptions: LogHistogramOptions | undefined;
  /** Quantile of the root's duration from which a request counts as slow (tail attribution). */
  slowQuantile: number;
  resources: ResourceEntry[];
}

/** Builds the document for `window`; entries with no spans are left out. */
export function buildDocument(window: RollupWindow, registry: SpanRegistry, meta: DocumentMeta): SpanSummaryDocument {
  const byName = new Map<number, SpanStats>();
  const nameStats = (id: number): SpanStats => {
    let stats = byName.get(id);
    if (!stats) {
      stats = new SpanStats(meta.sketchOptions);
      byName.set(id, stats);
    }
    return stats;
  };
  const paths: PathEntry[] = [];
  window.paths.forEach((stats, id) => {
    if (!stats || stats.count === 0) return;
    nameStats(registry.pathLeaf(id)).merge(stats);
    paths.push({
      path: registry.pathString(id),
      names: registry.pathNames(id),
      ...stats.toStatistics(),
      start_offset_mean_ms: stats.startOffsetTotalMs / stats.count,
    });
  });
  window.unpathed.forEach((stats, id) => {
    if (stats && stats.count > 0) nameStats(id).merge(stats);
  });
  const spans: SpanEntry[] = [...byName].map(([id, stats]) => ({ name: registry.name(id), ...stats.toStatistics() }));
  spans.sort((a, b) => b.total_ms - a.total_ms || compare(a.name, b.name));
  paths.sort((a, b) => compareNames(a.names, b.names));
  const c = window.counters;
  return {
    schema_version: SCHEMA_VERSION,
    service: { name: meta.serviceName },
    generated_at: new Date().toISOString(),
    window: { start: new Date(window.startMs).toISOString(), end: new Date(meta.endMs).toISOString(), kind: meta.kind },
    warmup_spans_skipped: c.warmupSkipped,
    dropped_spans: meta.droppedSpans,
    sampling: { sampler: meta.sampler, unsampled_spans: c.unsampled },
    overflow: {
      names: c.nameOverflow,
      paths: c.pathOverflow,
      in_flight: c.inFlightOverflow,
      traces: c.traceOverflow,
      trace_spans: c.traceSpanOverflow,
      roots: c.rootOverflow,
    },
    internal_errors: c.internalErrors,
    spans,
    paths,
    requests: [...window.requests.values()]
      .filter((stats) => stats.count > 0)
      .map((stats) => requestEntry(stats, meta.slowQuantile))
      .sort((a, b) => compare(a.root, b.root)),
    resources: meta.resources,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders paths as a tree walk: parents before children, siblings by name. */
export function compareNames(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
