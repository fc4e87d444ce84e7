/**
 * mergeSummaries: combines span summary documents (replicas, or runs) into one, exactly as if
 * one process had seen all their spans: counts, errors, totals, min/max, self time and the
 * sketches add; mean and variance combine with Chan et al.'s formula; exemplars keep the
 * slowest five overall; quantiles come from the merged sketches. Request attribution merges
 * through its state (sketches and bucket sums add; kept traces stay the K slowest of all inputs,
 * the typical ones those nearest the merged median); resources as replicas side by side
 * (resource-entries.ts).
 */
import { type PathEntry, SCHEMA_VERSION, type SpanEntry, type SpanSummaryDocument } from './document.ts';
import { RequestStats } from './request-stats.ts';
import { mergeResourceEntries } from './resource-entries.ts';
import { SpanStats } from './stats.ts';
import { compareNames } from './summarize.ts';
import { DEFAULT_SLOW_QUANTILE, requestEntry } from './tail.ts';
import { validateSummary } from './validate.ts';

/** Why a merge failed, and which input (index into the list) caused it; -1 for the list itself. */
export class SummaryMergeError extends Error {
  override name = 'SummaryMergeError';
  readonly index: number;

  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

interface PathAccumulator {
  path: string;
  names: string[];
  stats: SpanStats;
}

function distinct(values: string[]): string {
  return [...new Set(values)].join(', ');
}

/** Merges validated-or-not documents; throws SummaryMergeError naming the offending input. */
export function mergeSummaries(documents: readonly unknown[]): SpanSummaryDocument {
  if (documents.length === 0) throw new SummaryMergeError('nothing to merge: the list of summaries is empty', -1);
  const spans = new Map<string, SpanStats>();
  const paths = new Map<string, PathAccumulator>();
  const requests = new Map<string, { stats: RequestStats; slowQuantile: number }>();
  const valid: SpanSummaryDocument[] = [];
  documents.forEach((input, index) => {
    try {
      const document = validateSummary(input);
      valid.push(document);
      for (const entry of document.spans) {
        const what = `span ${JSON.stringify(entry.name)}`;
        const stats = guarded(what, () => SpanStats.fromStatistics(entry));
        const existing = spans.get(entry.name);
        if (existing) guarded(what, () => existing.merge(stats));
        else spans.set(entry.name, stats);
      }
      for (const entry of document.paths) {
        const what = `path ${JSON.stringify(entry.path)}`;
        const key = JSON.stringify(entry.names);
        const stats = guarded(what, () => SpanStats.fromStatistics(entry, entry.start_offset_mean_ms));
        const existing = paths.get(key);
        if (existing) guarded(what, () => existing.stats.merge(stats));
        else paths.set(key, { path: entry.path, names: entry.names, stats });
      }
      for (const entry of document.requests) {
        const what = `requests ${JSON.stringify(entry.root)}`;
        const stats = guarded(what, () => RequestStats.fromEntry(entry));
        const existing = requests.get(entry.root);
        if (existing) guarded(what, () => existing.stats.merge(stats));
        else requests.set(entry.root, { stats, slowQuantile: entry.tail.slow_quantile });
      }
    } catch (error) {
      throw new SummaryMergeError(error instanceof Error ? error.message : String(error), index);
    }
  });
  const sum = (field: (d: SpanSummaryDocument) => number | undefined): number =>
    valid.reduce((total, d) => total + (field(d) ?? 0), 0);
  const starts = valid.map((d) => Date.parse(d.window.start));
  const ends = valid.map((d) => Date.parse(d.window.end));
  const spanEntries: SpanEntry[] = [...spans].map(([name, stats]) => ({ name, ...stats.toStatistics() }));
  spanEntries.sort((a, b) => b.total_ms - a.total_ms || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pathEntries: PathEntry[] = [...paths.values()].map(({ path, names, stats }) => ({
    path,
    names,
    ...stats.toStatistics(),
    start_offset_mean_ms: stats.startOffsetTotalMs / stats.count,
  }));
  pathEntries.sort((a, b) => compareNames(a.names, b.names));
  return {
    schema_version: SCHEMA_VERSION,
    service: { name: distinct(valid.map((d) => d.service.name)) },
    generated_at: new Date().toISOString(),
    window: {
      start: new Date(Math.min(...starts)).toISOString(),
      end: new Date(Math.max(...ends)).toISOString(),
      kind: 'merged',
    },
    warmup_spans_skipped: sum((d) => d.warmup_spans_skipped),
    dropped_spans: sum((d) => d.dropped_spans),
    sampling: {
      sampler: distinct(valid.map((d) => d.sampling?.sampler ?? 'unknown')),
      unsampled_spans: sum((d) => d.sampling?.unsampled_spans),
    },
    overflow: {
      names: sum((d) => d.overflow?.names),
      paths: sum((d) => d.overflow?.paths),
      in_flight: sum((d) => d.overflow?.in_flight),
      traces: sum((d) => d.overflow?.traces),
      trace_spans: sum((d) => d.overflow?.trace_spans),
      roots: sum((d) => d.overflow?.roots),
    },
    internal_errors: sum((d) => d.internal_errors),
    spans: spanEntries,
    paths: pathEntries,
    requests: [...requests.values()]
      .map(({ stats, slowQuantile }) => requestEntry(stats, slowQuantile ?? DEFAULT_SLOW_QUANTILE))
      .sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0)),
    resources: mergeResourceEntries(valid.map((d) => d.resources)),
  };
}

/** Runs `fn`, prefixing any error message with the entry it concerns. */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
