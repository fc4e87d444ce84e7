/**
 * The snapshot the live page draws: a summary document cut down to what a person watching load
 * reads (stages by self time, request attribution and tail, resources now and since start) plus
 * the last minute's series. Sketches, exemplars and kept traces stay out: a snapshot goes to every
 * watcher every second and must stay small whatever the service has seen.
 */
import type { SpanSummaryDocument } from '../rollup/document.ts';
import type { SeriesPoint } from './series.ts';

/** One span name's percentiles and self time since the summary's window start. */
export interface LiveStage {
  name: string;
  count: number;
  errors: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  self_mean_ms: number;
  self_total_ms: number;
  /** This name's share of all self time (every name's self time adds up to the roots' time). */
  self_share: number;
}

/** Attribution of the requests of one root name. */
export interface LiveRequests {
  root: string;
  count: number;
  unattributed_ms: { p50: number; p99: number };
  unattributed_share: { p50: number; p99: number };
  tail: {
    slow_quantile: number;
    slow_threshold_ms: number;
    slow_count: number;
    baseline_count: number;
    stages: { name: string; delta_ms: number; share: number }[];
  };
}

/** A shared resource: over the last few seconds and since the window start. */
export interface LiveResource {
  name: string;
  capacity: number;
  /** Busy share over the series' last RECENT_POINTS intervals; null before there are any. */
  utilization_recent: number | null;
  utilization: number;
  in_use: number;
  queued: number;
  queue_mean: number;
  queue_max: number;
}

export interface LiveSnapshot {
  service: string;
  generated_at: string;
  window_start: string;
  dropped_spans: number;
  stages: LiveStage[];
  requests: LiveRequests[];
  resources: LiveResource[];
  /** The last minute, oldest first. */
  series: SeriesPoint[];
}

/** Stage rows sent: the names with the most self time (a fine-detail service has many). */
export const MAX_STAGES = 40;
/** Tail stages sent per root. */
export const MAX_TAIL_STAGES = 8;
/** The series points (seconds, at the default interval) the recent utilization covers. */
export const RECENT_POINTS = 5;

function stages(summary: SpanSummaryDocument): LiveStage[] {
  const allSelf = summary.spans.reduce((sum, entry) => sum + entry.self_total_ms, 0);
  return [...summary.spans]
    .sort((a, b) => b.self_total_ms - a.self_total_ms || a.name.localeCompare(b.name))
    .slice(0, MAX_STAGES)
    .map((entry) => ({
      name: entry.name,
      count: entry.count,
      errors: entry.errors,
      p50_ms: entry.p50_ms,
      p90_ms: entry.p90_ms,
      p99_ms: entry.p99_ms,
      max_ms: entry.max_ms,
      self_mean_ms: entry.self_mean_ms,
      self_total_ms: entry.self_total_ms,
      self_share: allSelf > 0 ? entry.self_total_ms / allSelf : 0,
    }));
}

function requests(summary: SpanSummaryDocument): LiveRequests[] {
  return summary.requests.map((entry) => ({
    root: entry.root,
    count: entry.count,
    unattributed_ms: { p50: entry.unattributed_ms.p50, p99: entry.unattributed_ms.p99 },
    unattributed_share: { ...entry.unattributed_share },
    tail: {
      slow_quantile: entry.tail.slow_quantile,
      slow_threshold_ms: entry.tail.slow_threshold_ms,
      slow_count: entry.tail.slow_count,
      baseline_count: entry.tail.baseline_count,
      stages: entry.tail.stages
        .slice(0, MAX_TAIL_STAGES)
        .map((stage) => ({ name: stage.name, delta_ms: stage.delta_ms, share: stage.share })),
    },
  }));
}

/** Busy unit-time over offered unit-time in the series' last RECENT_POINTS points. */
function recentUtilization(series: readonly SeriesPoint[], name: string): number | null {
  let busy = 0;
  let offered = 0;
  for (const point of series.slice(-RECENT_POINTS)) {
    const entry = point.resources[name];
    if (!entry) continue;
    busy += entry.busy_ms;
    offered += entry.capacity * entry.window_ms;
  }
  return offered > 0 ? Math.min(1, busy / offered) : null;
}

/** The snapshot of `summary` with the last minute of `series`. */
export function buildSnapshot(summary: SpanSummaryDocument, series: readonly SeriesPoint[]): LiveSnapshot {
  return {
    service: summary.service.name,
    generated_at: summary.generated_at,
    window_start: summary.window.start,
    dropped_spans: summary.dropped_spans,
    stages: stages(summary),
    requests: requests(summary),
    resources: summary.resources.map((entry) => ({
      name: entry.name,
      capacity: entry.capacity,
      utilization_recent: recentUtilization(series, entry.name),
      utilization: entry.utilization,
      in_use: entry.in_use,
      queued: entry.queued,
      queue_mean: entry.queue_mean,
      queue_max: entry.queue_max,
    })),
    series: [...series],
  };
}
