/**
 * mergeSummaries: combines span summary documents (replicas, or runs) into one, exactly as if
 * one process had seen all their spans: counts, errors, totals, min/max, self time and the
 * sketches add; mean and variance combine with Chan et al.'s formula; exemplars keep the
 * slowest five overall; quantiles come from the merged sketches. Request attribution merges
 * through its state (sketches and bucket sums add; kept traces stay the K slowest of all inputs,
 * the typical ones those nearest the merged median); resources as replicas side by side
 * (resource-entries.ts).
 */
import { assembleDocument } from './build-document.ts';
import type { SpanSummaryDocument } from './document.ts';
import { DurationStats } from './duration-stats.ts';
import { RequestStats } from './request-stats.ts';
import { mergeResourceEntries } from './resource-entries.ts';
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
  stats: DurationStats;
}

function distinct(values: string[]): string {
  return [...new Set(values)].join(', ');
}

/** Merges validated-or-not documents; throws SummaryMergeError naming the offending input. */
export function mergeSummaries(documents: readonly unknown[]): SpanSummaryDocument {
  if (documents.length === 0) throw new SummaryMergeError('nothing to merge: the list of summaries is empty', -1);
  const spans = new Map<string, DurationStats>();
  const paths = new Map<string, PathAccumulator>();
  const requests = new Map<string, { stats: RequestStats; slowQuantile: number }>();
  const valid: SpanSummaryDocument[] = [];
  documents.forEach((input, index) => {
    try {
      const document = validateSummary(input);
      valid.push(document);
      for (const entry of document.spans) {
        const what = `span ${JSON.stringify(entry.name)}`;
        const stats = guarded(what, () => DurationStats.fromStatistics(entry));
        const existing = spans.get(entry.name);
        if (existing) guarded(what, () => existing.merge(stats));
        else spans.set(entry.name, stats);
      }
      for (const entry of document.paths) {
        const what = `path ${JSON.stringify(entry.path)}`;
        const key = JSON.stringify(entry.names);
        const stats = guarded(what, () => DurationStats.fromStatistics(entry, entry.start_offset_mean_ms));
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
  return assembleDocument({
    serviceName: distinct(valid.map((d) => d.service.name)),
    kind: 'merged',
    startMs: Math.min(...valid.map((d) => Date.parse(d.window.start))),
    endMs: Math.max(...valid.map((d) => Date.parse(d.window.end))),
    sampler: distinct(valid.map((d) => d.sampling?.sampler ?? 'unknown')),
    warmupSkipped: sum((d) => d.warmup_spans_skipped),
    droppedSpans: sum((d) => d.dropped_spans),
    unsampled: sum((d) => d.sampling?.unsampled_spans),
    overflow: {
      names: sum((d) => d.overflow?.names),
      paths: sum((d) => d.overflow?.paths),
      in_flight: sum((d) => d.overflow?.in_flight),
      traces: sum((d) => d.overflow?.traces),
      trace_spans: sum((d) => d.overflow?.trace_spans),
      roots: sum((d) => d.overflow?.roots),
    },
    internalErrors: sum((d) => d.internal_errors),
    spans,
    paths: paths.values(),
    requests: [...requests.values()].map(({ stats, slowQuantile }) =>
      requestEntry(stats, slowQuantile ?? DEFAULT_SLOW_QUANTILE),
    ),
    resources: mergeResourceEntries(valid.map((d) => d.resources)),
  });
}

/** Runs `fn`, prefixing any error message with the entry it concerns. */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
