/**
 * Scale-out in tests: a span processor that routes each trace whole to one of several targets by
 * its id, as the Collector's load_balancing exporter does, and the comparison of a merged summary
 * with the summary of one instance that saw everything (docs/scale-out.md, "Exactly one summary").
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';

/** Hands each span to one of `targets` chosen from its trace id alone, as load_balancing does. */
export class ByTraceId implements SpanProcessor {
  readonly targets: SpanProcessor[];
  readonly traces: Set<string>[];

  constructor(targets: SpanProcessor[]) {
    this.targets = targets;
    this.traces = targets.map(() => new Set<string>());
  }

  #pick(traceId: string): SpanProcessor {
    const index = Number.parseInt(traceId.slice(-8), 16) % this.targets.length;
    this.traces[index]!.add(traceId);
    return this.targets[index]!;
  }

  onStart(span: Span, context: Context): void {
    this.#pick(span.spanContext().traceId).onStart(span, context);
  }

  onEnd(span: ReadableSpan): void {
    this.#pick(span.spanContext().traceId).onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.targets.map((target) => target.forceFlush()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.targets.map((target) => target.shutdown()));
  }
}

/** Sums (and what is computed from sums): the same numbers added in another order, so equal to rounding. */
const FLOAT_SUMS = new Set([
  'total_ms',
  'mean',
  'mean_ms',
  'stddev_ms',
  'self_total_ms',
  'self_mean_ms',
  'start_offset_mean_ms',
  'sum_ms',
  'root_ms',
  'slow_mean_ms',
  'baseline_mean_ms',
  'delta_ms',
  'share',
]);
/** Relative difference allowed for those: a few units in the last place of a double. */
const ROUNDING = 1e-12;

function differences(got: unknown, want: unknown, path: string, key: string, out: string[]): void {
  if (typeof got === 'number' && typeof want === 'number') {
    const exact = got === want;
    const rounded =
      // Per-bucket self-time sums are keyed by span name (`stages.npu.kernel_execution`).
      (FLOAT_SUMS.has(key) || path.includes('.stages.')) &&
      Math.abs(got - want) <= ROUNDING * Math.max(Math.abs(got), Math.abs(want));
    if (!exact && !rounded) out.push(`${path}: ${got} != ${want}`);
    return;
  }
  if (Array.isArray(got) && Array.isArray(want)) {
    if (got.length !== want.length) out.push(`${path}: ${got.length} entries != ${want.length}`);
    for (let i = 0; i < Math.min(got.length, want.length); i++) differences(got[i], want[i], `${path}[${i}]`, key, out);
    return;
  }
  if (typeof got === 'object' && got !== null && typeof want === 'object' && want !== null) {
    const a = got as Record<string, unknown>;
    const b = want as Record<string, unknown>;
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      // Compared on their own below.
      if (name === 'typical' || name === 'exemplars' || name === 'generated_at' || name === 'window') continue;
      differences(a[name], b[name], `${path}.${name}`, name, out);
    }
    return;
  }
  if (got !== want) out.push(`${path}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
}

/**
 * Where a merged summary differs from the one summary it should equal, one line per difference:
 * exact everywhere except sums (equal to float rounding); kept typical traces, exemplars, the
 * window and the time of writing are left to the caller.
 */
export function summaryDifferences(merged: SpanSummaryDocument, one: SpanSummaryDocument): string[] {
  const found: string[] = [];
  differences(merged, one, 'merged', '', found);
  return found;
}
