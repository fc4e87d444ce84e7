/**
 * Waterfalls from the span summary. The typical request is exact in what it claims: each path's
 * mean start (relative to the root span's start) and mean duration. The slowest request is the
 * root path's slowest exemplar; the summary keeps the durations of each path's five slowest spans
 * with their trace ids, not their start times, so a stage of that trace is drawn only when one of
 * its path's exemplars belongs to the trace, and its start is estimated (see `slowestWaterfall`).
 */
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { flatten, spanTree, type TreeNode } from './tree.ts';

export interface WaterfallRow {
  name: string;
  path: string;
  depth: number;
  /** Start relative to the root span's start; null when unknown. */
  startMs: number | null;
  /** Duration; null when unknown. */
  durationMs: number | null;
  /** Spans on this path per request. */
  perRequest: number;
  /**
   * Slowest request only, when its duration is unknown: what the summary still proves about it.
   * A number: the span took at most this long (it was not among its path's slowest exemplars, or
   * its parent's duration bounds it). 0: the trace has no span on this path (every span of the
   * path is an exemplar). Undefined when the duration is known.
   */
  atMostMs?: number;
}

export interface TypicalWaterfall {
  rows: WaterfallRow[];
  /** Root spans the means are taken over. */
  requests: number;
}

export interface SlowestWaterfall {
  traceId: string;
  spanId: string;
  durationMs: number;
  /** Same order as the typical waterfall; durationMs null where this trace's span is not among its path's exemplars. */
  rows: WaterfallRow[];
  /** The typical request's mean duration, for scale. */
  typicalMs: number;
}

function row(node: TreeNode, startMs: number | null, durationMs: number | null): WaterfallRow {
  return { name: node.name, path: node.entry.path, depth: node.depth, startMs, durationMs, perRequest: node.perRequest };
}

/** The bound on an unknown span of the trace: under its path's fastest exemplar and its parent. */
function atMost(node: TreeNode, parentMs: number | undefined): number | undefined {
  const { exemplars, count } = node.entry;
  if (exemplars.length >= count) return 0;
  const bound = Math.min(...exemplars.map((e) => e.duration_ms), parentMs ?? Infinity);
  return Number.isFinite(bound) ? bound : undefined;
}

/** Mean start and duration of every path under the root. */
export function typicalWaterfall(summary: SpanSummaryDocument): TypicalWaterfall | undefined {
  const root = spanTree(summary);
  if (!root) return undefined;
  return { rows: flatten(root).map((node) => row(node, node.entry.start_offset_mean_ms, node.entry.mean_ms)), requests: root.entry.count };
}

/** The longest exemplar of `node` in `traceId`, if one is kept. */
function exemplarIn(node: TreeNode, traceId: string): number | undefined {
  const durations = node.entry.exemplars.filter((e) => e.trace_id === traceId).map((e) => e.duration_ms);
  return durations.length > 0 ? Math.max(...durations) : undefined;
}

/**
 * The root's slowest span and the stages of its trace the summary kept. Starts are estimated:
 * a stage starts where the typical request's stage starts within its parent, scaled by how much
 * longer the parent took in this trace, but never before the previous drawn sibling ends and
 * never so late that it overruns its parent.
 */
export function slowestWaterfall(summary: SpanSummaryDocument): SlowestWaterfall | undefined {
  const root = spanTree(summary);
  const slowest = root?.entry.exemplars[0];
  if (!root || !slowest) return undefined;
  const rows: WaterfallRow[] = [];
  const place = (node: TreeNode, startMs: number, durationMs: number, known: boolean, parentKnownMs: number | undefined): void => {
    const placed = row(node, known ? startMs : null, known ? durationMs : null);
    if (!known) {
      const bound = atMost(node, parentKnownMs);
      if (bound !== undefined) placed.atMostMs = bound;
    }
    rows.push(placed);
    const scale = node.entry.mean_ms > 0 ? durationMs / node.entry.mean_ms : 1;
    let previousEnd = startMs;
    for (const child of node.children) {
      const relative = (child.entry.start_offset_mean_ms - node.entry.start_offset_mean_ms) * scale;
      const childKnown = exemplarIn(child, slowest.trace_id);
      const childMs = childKnown ?? child.entry.mean_ms * scale;
      let childStart = Math.max(startMs + relative, childKnown === undefined ? startMs : previousEnd);
      if (childStart + childMs > startMs + durationMs) childStart = Math.max(startMs, startMs + durationMs - childMs);
      if (childKnown !== undefined) previousEnd = childStart + childMs;
      place(child, childStart, childMs, childKnown !== undefined, known ? durationMs : placed.atMostMs);
    }
  };
  place(root, 0, slowest.duration_ms, true, undefined);
  return { traceId: slowest.trace_id, spanId: slowest.span_id, durationMs: slowest.duration_ms, rows, typicalMs: root.entry.mean_ms };
}
