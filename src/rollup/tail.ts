/**
 * A RequestEntry from the mergeable request state: the unattributed time's distribution, and the
 * tail attribution read off the root-duration buckets.
 *
 * The slow requests are those of rank ceil(q n) and above by root duration (at or above the q
 * quantile); the baseline those of rank ceil(n/4) to ceil(3n/4). The buckets, in duration order,
 * hold consecutive ranks; a bucket that straddles a boundary counts with the fraction of its
 * requests inside, as if its requests had the bucket's average make-up (exact when the boundary
 * falls between buckets, as it does when the slow requests are clearly slower).
 */
import type { RequestEntry, TailAttribution, TailStage } from './document.ts';
import type { RequestStats, TailBucket } from './request-stats.ts';

/** Default quantile from which a request counts as slow. */
export const DEFAULT_SLOW_QUANTILE = 0.95;

/** The rank of quantile q among n (inverse empirical distribution, as the sketch uses). */
function rankOf(q: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(q * n * (1 - 1e-12))));
}

interface Group {
  count: number;
  rootMs: number;
  stages: Map<string, number>;
}

/** The requests of ranks [first, last], as weighted sums over the buckets. */
function ranks(buckets: readonly TailBucket[], first: number, last: number): Group {
  const group: Group = { count: 0, rootMs: 0, stages: new Map() };
  let before = 0;
  for (const bucket of buckets) {
    const from = Math.max(first, before + 1);
    const to = Math.min(last, before + bucket.count);
    before += bucket.count;
    if (to < from) continue;
    const weight = (to - from + 1) / bucket.count;
    group.count += to - from + 1;
    group.rootMs += weight * bucket.rootMs;
    for (const [name, ms] of bucket.stages) group.stages.set(name, (group.stages.get(name) ?? 0) + weight * ms);
  }
  return group;
}

/** Where the slow requests' extra time goes, stage by stage. */
function tailAttribution(stats: RequestStats, slowQuantile: number): TailAttribution {
  const n = stats.count;
  const buckets = [...stats.buckets].sort(([a], [b]) => a - b).map(([, bucket]) => bucket);
  const slow = ranks(buckets, rankOf(slowQuantile, n), n);
  const baseline = ranks(buckets, rankOf(0.25, n), rankOf(0.75, n));
  const extraMs = slow.rootMs / slow.count - baseline.rootMs / baseline.count;
  const names = new Set([...slow.stages.keys(), ...baseline.stages.keys()]);
  const stages: TailStage[] = [...names].map((name) => {
    const slowMean = (slow.stages.get(name) ?? 0) / slow.count;
    const baselineMean = (baseline.stages.get(name) ?? 0) / baseline.count;
    const delta = slowMean - baselineMean;
    return {
      name,
      slow_mean_ms: slowMean,
      baseline_mean_ms: baselineMean,
      delta_ms: delta,
      share: extraMs > 0 ? delta / extraMs : 0,
    };
  });
  stages.sort((a, b) => b.delta_ms - a.delta_ms || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    slow_quantile: slowQuantile,
    slow_threshold_ms: stats.duration.quantile(slowQuantile),
    slow_count: slow.count,
    baseline_count: baseline.count,
    stages,
  };
}

/** The document entry of `stats` (count > 0). */
export function requestEntry(stats: RequestStats, slowQuantile: number): RequestEntry {
  const unattributed = stats.unattributed;
  return {
    root: stats.root,
    count: stats.count,
    unattributed_ms: {
      mean: unattributed.sum / unattributed.count,
      p50: unattributed.quantile(0.5),
      p99: unattributed.quantile(0.99),
      max: unattributed.max,
    },
    unattributed_share: { p50: stats.share.quantile(0.5), p99: stats.share.quantile(0.99) },
    tail: tailAttribution(stats, slowQuantile),
    slowest: stats.slowest,
    typical: stats.typical,
    state: stats.toState(),
  };
}
