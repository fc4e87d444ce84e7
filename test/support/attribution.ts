/**
 * Unattributed time of exported requests, computed from the spans themselves: per trace, the time
 * inside the root (the SERVER span) that no leaf span (a span without children) covers. Leaves
 * are clipped to the root and merged as intervals, so overlapping leaves count once.
 */
import type { ReceivedSpan } from './otlp-decode.ts';

/** OTLP SpanKind SERVER. */
const SERVER = 2;

/** One request's attribution. */
export interface RequestAttribution {
  traceId: string;
  /** The root's start, epoch ms (to order requests). */
  startMs: number;
  durationMs: number;
  unattributedMs: number;
  /** unattributedMs / durationMs. */
  share: number;
  /** The longest uncovered interval, ms from the root's start, and the leaves either side of it, for a failure message. */
  largestGap: { atMs: number; ms: number; after: string; before: string };
}

/** Descendants of `root` in `spans` (one trace). */
function descendants(root: ReceivedSpan, spans: readonly ReceivedSpan[]): ReceivedSpan[] {
  const children = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const list = children.get(span.parentSpanId);
    if (list) list.push(span);
    else children.set(span.parentSpanId, [span]);
  }
  const found: ReceivedSpan[] = [];
  const stack = [...(children.get(root.spanId) ?? [])];
  while (stack.length > 0) {
    const span = stack.pop()!;
    found.push(span);
    stack.push(...(children.get(span.spanId) ?? []));
  }
  return found;
}

/** Attribution of the SERVER span named `rootName` in every trace of `spans`. */
export function attribute(spans: readonly ReceivedSpan[], rootName: string): RequestAttribution[] {
  const byTrace = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const results: RequestAttribution[] = [];
  for (const [traceId, trace] of byTrace) {
    const root = trace.find((span) => span.kind === SERVER && span.name === rootName);
    if (!root) continue;
    const below = descendants(root, trace);
    const parents = new Set(below.map((span) => span.parentSpanId));
    const leaves = below
      .filter((span) => !parents.has(span.spanId))
      .map((span) => ({
        name: span.name,
        // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
        start: span.startNs < root.startNs ? root.startNs : span.startNs,
        // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.min does not take
        end: span.endNs > root.endNs ? root.endNs : span.endNs,
      }))
      .filter((leaf) => leaf.end > leaf.start)
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let uncovered = 0n;
    let at = root.startNs;
    let after = '(root start)';
    let largest = { at: root.startNs, ns: 0n, after, before: '(root end)' };
    const gap = (until: bigint, before: string): void => {
      if (until <= at) return;
      uncovered += until - at;
      if (until - at > largest.ns) largest = { at, ns: until - at, after, before };
    };
    for (const leaf of leaves) {
      gap(leaf.start, leaf.name);
      if (leaf.end > at) {
        at = leaf.end;
        after = leaf.name;
      }
    }
    gap(root.endNs, '(root end)');
    const durationMs = Number(root.endNs - root.startNs) / 1e6;
    const unattributedMs = Number(uncovered) / 1e6;
    results.push({
      traceId,
      startMs: Number(root.startNs) / 1e6,
      durationMs,
      unattributedMs,
      share: durationMs > 0 ? unattributedMs / durationMs : 0,
      largestGap: {
        atMs: Number(largest.at - root.startNs) / 1e6,
        ms: Number(largest.ns) / 1e6,
        after: largest.after,
        before: largest.before,
      },
    });
  }
  return results;
}

/** The `q` quantile (nearest rank) of `values`. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
