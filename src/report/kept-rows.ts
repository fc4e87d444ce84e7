/**
 * A kept trace (the complete span tree of one request, as the span summary holds it) as waterfall
 * rows: every span once, depth-first with children in start order, at its exact start and
 * duration. Nothing is estimated: the rows are the trace.
 */
import type { KeptSpan, KeptTrace } from '../rollup/document.ts';
import { SPAN } from '../telemetry/names.ts';

export interface KeptRow {
  spanId: string;
  name: string;
  /** 0 for the root. */
  depth: number;
  /** From the root span's start. */
  startMs: number;
  durationMs: number;
  /** The name of the top-level stage the span belongs to (the root's grandchild line), for colours. */
  family: string;
}

/** The trace's spans as rows, parents before children; spans whose parent is not in the trace count as roots. */
export function keptRows(trace: KeptTrace): KeptRow[] {
  const ids = new Set(trace.spans.map((span) => span.span_id));
  const children = new Map<string, KeptSpan[]>();
  const roots: KeptSpan[] = [];
  for (const span of trace.spans) {
    if (span.parent_span_id && ids.has(span.parent_span_id))
      children.set(span.parent_span_id, [...(children.get(span.parent_span_id) ?? []), span]);
    else roots.push(span);
  }
  const byStart = (a: KeptSpan, b: KeptSpan): number => a.start_ms - b.start_ms || b.duration_ms - a.duration_ms;
  const rows: KeptRow[] = [];
  // Iterative, so a deep or malformed trace cannot overflow the stack; `seen` guards against cycles.
  const seen = new Set<string>();
  const stack: { span: KeptSpan; depth: number; lineage: string[] }[] = roots
    .sort(byStart)
    .reverse()
    .map((span) => ({ span, depth: 0, lineage: [] }));
  while (stack.length > 0) {
    const { span, depth, lineage } = stack.pop()!;
    if (seen.has(span.span_id)) continue;
    seen.add(span.span_id);
    const line = [...lineage, span.name];
    rows.push({
      spanId: span.span_id,
      name: span.name,
      depth,
      startMs: span.start_ms,
      durationMs: span.duration_ms,
      family: familyOf(line),
    });
    const mine = [...(children.get(span.span_id) ?? [])].sort(byStart).reverse();
    for (const child of mine) stack.push({ span: child, depth: depth + 1, lineage: line });
  }
  return rows;
}

/** The top-level stage of a span, from its names root first: the first name below the SERVER root and `transcribe`. */
function familyOf(line: readonly string[]): string {
  const [root, second, third] = line;
  if (line.length <= 2) return line.at(-1) ?? '';
  return second === SPAN.TRANSCRIBE && third !== undefined ? third : (second ?? root ?? '');
}
