/**
 * The one place span summary documents are made. `assembleDocument` turns statistics per name
 * and per path, request entries and counts into the document (entries, sorting, the header);
 * `buildDocument` feeds it a processor's RollupWindow, and mergeSummaries (merge.ts) the merge of
 * several documents.
 */
import {
  type PathEntry,
  type RequestEntry,
  type ResourceEntry,
  SCHEMA_VERSION,
  type SpanEntry,
  type SpanSummaryDocument,
} from './document.ts';
import { DurationStats } from './duration-stats.ts';
import type { SpanRegistry } from './registry.ts';
import type { RollupWindow } from './rollup-window.ts';
import type { LogHistogramOptions } from './sketch.ts';
import { requestEntry } from './tail.ts';

/** What a processor's document says besides its window's statistics. */
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

/** Everything a document is made of, in the form both processors and merges have. */
export interface DocumentParts {
  serviceName: string;
  kind: SpanSummaryDocument['window']['kind'];
  startMs: number;
  endMs: number;
  sampler: string;
  warmupSkipped: number;
  droppedSpans: number;
  unsampled: number;
  overflow: SpanSummaryDocument['overflow'];
  internalErrors: number;
  /** Per span name (entries with no spans are left out). */
  spans: Iterable<[string, DurationStats]>;
  paths: Iterable<{ path: string; names: string[]; stats: DurationStats }>;
  requests: RequestEntry[];
  resources: ResourceEntry[];
}

/** The document of `parts`: spans by total time, paths as a tree walk, requests by root name. */
export function assembleDocument(parts: DocumentParts): SpanSummaryDocument {
  const spans: SpanEntry[] = [];
  for (const [name, stats] of parts.spans) if (stats.count > 0) spans.push({ name, ...stats.toStatistics() });
  spans.sort((a, b) => b.total_ms - a.total_ms || compare(a.name, b.name));
  const paths: PathEntry[] = [];
  for (const { path, names, stats } of parts.paths) {
    if (stats.count === 0) continue;
    paths.push({ path, names, ...stats.toStatistics(), start_offset_mean_ms: stats.startOffsetTotalMs / stats.count });
  }
  paths.sort((a, b) => compareNames(a.names, b.names));
  return {
    schema_version: SCHEMA_VERSION,
    service: { name: parts.serviceName },
    generated_at: new Date().toISOString(),
    window: {
      start: new Date(parts.startMs).toISOString(),
      end: new Date(parts.endMs).toISOString(),
      kind: parts.kind,
    },
    warmup_spans_skipped: parts.warmupSkipped,
    dropped_spans: parts.droppedSpans,
    sampling: { sampler: parts.sampler, unsampled_spans: parts.unsampled },
    overflow: parts.overflow,
    internal_errors: parts.internalErrors,
    spans,
    paths,
    requests: [...parts.requests].sort((a, b) => compare(a.root, b.root)),
    resources: parts.resources,
  };
}

/** The document of a processor's `window`: per-name statistics are the merge of the name's paths
 *  and its path-less spans, so they stay complete when the path table overflows. */
export function buildDocument(window: RollupWindow, registry: SpanRegistry, meta: DocumentMeta): SpanSummaryDocument {
  const byName = new Map<string, DurationStats>();
  const nameStats = (id: number): DurationStats => {
    const name = registry.name(id);
    let stats = byName.get(name);
    if (!stats) {
      stats = new DurationStats(meta.sketchOptions);
      byName.set(name, stats);
    }
    return stats;
  };
  const paths: { path: string; names: string[]; stats: DurationStats }[] = [];
  window.paths.forEach((stats, id) => {
    if (!stats || stats.count === 0) return;
    nameStats(registry.pathLeaf(id)).merge(stats);
    paths.push({ path: registry.pathString(id), names: registry.pathNames(id), stats });
  });
  window.unpathed.forEach((stats, id) => {
    if (stats && stats.count > 0) nameStats(id).merge(stats);
  });
  const c = window.counters;
  return assembleDocument({
    serviceName: meta.serviceName,
    kind: meta.kind,
    startMs: window.startMs,
    endMs: meta.endMs,
    sampler: meta.sampler,
    warmupSkipped: c.warmupSkipped,
    droppedSpans: meta.droppedSpans,
    unsampled: c.unsampled,
    overflow: {
      names: c.nameOverflow,
      paths: c.pathOverflow,
      in_flight: c.inFlightOverflow,
      traces: c.traceOverflow,
      trace_spans: c.traceSpanOverflow,
      roots: c.rootOverflow,
    },
    internalErrors: c.internalErrors,
    spans: byName,
    paths,
    requests: [...window.requests.values()]
      .filter((stats) => stats.count > 0)
      .map((stats) => requestEntry(stats, meta.slowQuantile)),
    resources: meta.resources,
  });
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
