/**
 * The typical request from the span summary's paths, exact in what it claims: each path's mean
 * start (relative to the root span's start) and mean duration. Single requests, the slowest and
 * a typical one, are drawn from the kept traces instead (kept-rows.ts).
 */
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { flatten, spanTree, type TreeNode } from './tree.ts';

export interface WaterfallRow {
  name: string;
  path: string;
  depth: number;
  /** Mean start relative to the root span's start. */
  startMs: number;
  /** Mean duration. */
  durationMs: number;
  /** Spans on this path per request. */
  perRequest: number;
}

export interface TypicalWaterfall {
  rows: WaterfallRow[];
  /** The root span's name. */
  root: string;
  /** Root spans the means are taken over. */
  requests: number;
}

function row(node: TreeNode): WaterfallRow {
  return {
    name: node.name,
    path: node.entry.path,
    depth: node.depth,
    startMs: node.entry.start_offset_mean_ms,
    durationMs: node.entry.mean_ms,
    perRequest: node.perRequest,
  };
}

/** Mean start and duration of every path under the root (the one named, or the request's root). */
export function typicalWaterfall(summary: SpanSummaryDocument, rootName?: string): TypicalWaterfall | undefined {
  const root = spanTree(summary, rootName);
  if (!root) return undefined;
  return { rows: flatten(root).map(row), root: root.name, requests: root.entry.count };
}
