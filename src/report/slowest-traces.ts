/**
 * The slowest requests of a run, for links to their traces: the load generator's slowest
 * requests across scenarios (client latency, the whole request) and the span summary's slowest
 * root spans (server time).
 */
import type { ReportRun } from './input.ts';
import { spanTree } from './tree.ts';

export interface SlowTrace {
  traceId: string | null;
  latencyMs: number;
  /** The scenario, or `server` for a span summary exemplar. */
  source: string;
  /** `ok` or the failure type (client requests); the root span's name (server). */
  outcome: string;
}

/** Up to `limit` of the slowest client requests across all scenarios, slowest first. */
export function slowestRequests(run: ReportRun, limit = 5): SlowTrace[] {
  return (run.load?.scenarios ?? [])
    .flatMap((s) =>
      s.slowest.map((r) => ({ traceId: r.trace_id, latencyMs: r.latency_ms, source: s.name, outcome: r.outcome })),
    )
    .sort((x, y) => y.latencyMs - x.latencyMs)
    .slice(0, limit);
}

/** The root span's exemplars (its slowest spans on the server), slowest first. */
export function slowestServerSpans(run: ReportRun): SlowTrace[] {
  const root = run.summary && spanTree(run.summary);
  if (!root) return [];
  return root.entry.exemplars.map((e) => ({
    traceId: e.trace_id,
    latencyMs: e.duration_ms,
    source: 'server',
    outcome: root.name,
  }));
}
