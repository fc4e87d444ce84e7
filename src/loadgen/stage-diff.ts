/**
 * The server-side stage breakdown of one scenario: the service's cumulative span summary
 * (`GET /v1/span-summary`) taken before and after, subtracted per span name. Counts and totals
 * subtract exactly. Quantiles cannot be read off two summaries' quantiles, but the summaries carry
 * their sketches, whose bucket counts subtract too: the difference is the sketch of exactly the
 * spans made during the scenario (raw values, hence exact, while the cumulative count is small).
 * Request attribution and resources subtract too (the rollup's subtractSummary), so each scenario
 * gets its own tail and its own utilization.
 */
import type { RequestEntry, ResourceEntry, SpanEntry, SpanSummaryDocument } from '../rollup/document.ts';
import type { SketchState } from '../rollup/sketch.ts';
import { subtractSummary } from '../rollup/subtract.ts';
import { micros } from './scenario-stats.ts';

/** One span name's share of a scenario on the server. */
export interface StageDelta {
  name: string;
  count: number;
  errors: number;
  total_ms: number;
  mean_ms: number;
  /** From the sketch difference; null when the sketches could not be subtracted. */
  p50_ms: number | null;
  p99_ms: number | null;
}

export interface StageBreakdown {
  stages: StageDelta[];
  /** The scenario's request attribution (tail, kept traces): after - before; absent when the snapshots could not be subtracted. */
  requests?: RequestEntry[];
  /** The scenario's resource utilization and queues over its own window; absent when the snapshots could not be subtracted. */
  resources?: ResourceEntry[];
  /** Why quantiles are missing, when they are. */
  note?: string;
}

/** Checks the fields this module reads; anything else answering the path is not a summary. */
export function isSpanSummary(value: unknown): value is SpanSummaryDocument {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as Partial<SpanSummaryDocument>;
  return (
    doc.schema_version === 1 &&
    Array.isArray(doc.spans) &&
    doc.spans.every((span) => typeof span?.name === 'string' && typeof span.count === 'number')
  );
}

function sameParameters(a: SketchState, b: SketchState): boolean {
  return (
    a.relative_accuracy === b.relative_accuracy &&
    a.min_trackable_ms === b.min_trackable_ms &&
    a.max_trackable_ms === b.max_trackable_ms
  );
}

/** Removes `before`'s raw values from `after`'s (a multiset difference); undefined if they do not nest. */
function valueDifference(after: number[], before: number[]): number[] | undefined {
  const remaining = new Map<number, number>();
  for (const value of after) remaining.set(value, (remaining.get(value) ?? 0) + 1);
  for (const value of before) {
    const left = remaining.get(value);
    if (!left) return undefined;
    remaining.set(value, left - 1);
  }
  const values: number[] = [];
  for (const [value, n] of remaining) for (let i = 0; i < n; i++) values.push(value);
  return values.sort((x, y) => x - y);
}

/** The value of rank ceil(q n) among the difference of two sketches; undefined when they do not nest. */
export function quantilesOfDifference(
  after: SketchState,
  before: SketchState | undefined,
  qs: readonly number[],
): number[] | undefined {
  if (before && !sameParameters(after, before)) return undefined;
  const count = after.count - (before?.count ?? 0);
  if (count <= 0) return undefined;
  const rankOf = (q: number): number => Math.min(count, Math.max(1, Math.ceil(q * count * (1 - 1e-12))));
  if (after.values) {
    const values = valueDifference(after.values, before?.values ?? []);
    return values && values.length === count ? qs.map((q) => values[rankOf(q) - 1]!) : undefined;
  }
  const counts = new Map<number, number>();
  after.counts.forEach((n, i) => {
    counts.set(after.offset + i, n);
  });
  before?.counts.forEach((n, i) => {
    counts.set(before.offset + i, (counts.get(before.offset + i) ?? 0) - n);
  });
  const zero = after.zero_count - (before?.zero_count ?? 0);
  if (zero < 0 || [...counts.values()].some((n) => n < 0)) return undefined;
  const gamma = (1 + after.relative_accuracy) / (1 - after.relative_accuracy);
  const buckets = [...counts].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  return qs.map((q) => {
    const rank = rankOf(q);
    let seen = zero;
    if (seen >= rank) return 0;
    for (const [index, n] of buckets) {
      seen += n;
      if (seen >= rank) return (2 * gamma ** index) / (gamma + 1);
    }
    return after.max_ms ?? NaN;
  });
}

function delta(after: SpanEntry, before: SpanEntry | undefined): StageDelta {
  const count = after.count - (before?.count ?? 0);
  const total = after.total_ms - (before?.total_ms ?? 0);
  const quantiles = quantilesOfDifference(after.sketch, before?.sketch, [0.5, 0.99]);
  return {
    name: after.name,
    count,
    errors: after.errors - (before?.errors ?? 0),
    total_ms: micros(total),
    mean_ms: micros(total / count),
    p50_ms: quantiles ? micros(quantiles[0]!) : null,
    p99_ms: quantiles ? micros(quantiles[1]!) : null,
  };
}

/** after - before, per span name with spans in between; undefined when the two cannot be compared. */
export function stageBreakdown(before: SpanSummaryDocument, after: SpanSummaryDocument): StageBreakdown | undefined {
  const cumulative = (doc: SpanSummaryDocument): boolean => (doc.window as { kind?: string }).kind !== 'interval';
  if (!cumulative(before) || !cumulative(after) || before.window.start !== after.window.start) return undefined;
  const previous = new Map(before.spans.map((span) => [span.name, span]));
  const stages = after.spans
    .filter((span) => span.count > (previous.get(span.name)?.count ?? 0))
    .map((span) => delta(span, previous.get(span.name)))
    .sort((a, b) => b.total_ms - a.total_ms);
  const breakdown: StageBreakdown = { stages };
  if (stages.some((stage) => stage.p99_ms === null))
    breakdown.note = "quantiles are null where the two summaries' sketches could not be subtracted";
  return { ...breakdown, ...attributionBetween(before, after) };
}

/**
 * The scenario's own request attribution and resources: the rollup's subtraction of the two
 * snapshots. Undefined when the target's summaries cannot give them (a service older than
 * attribution, entries without state). The request states are dropped: they are the summary's
 * business, and they would make every load result carry sketches.
 */
function attributionBetween(
  before: SpanSummaryDocument,
  after: SpanSummaryDocument,
): Pick<StageBreakdown, 'requests' | 'resources'> | undefined {
  try {
    const { requests, resources } = subtractSummary(after, before);
    return { requests: requests.map(({ state: _state, ...entry }) => entry), resources };
  } catch {
    return undefined;
  }
}
