import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LogHistogram } from '../../src/rollup/sketch.ts';
import type { SpanEntry, SpanSummaryDocument } from '../../src/rollup/document.ts';
import { quantilesOfDifference, stageBreakdown } from '../../src/loadgen/stage-diff.ts';

function entry(name: string, values: number[]): SpanEntry {
  const h = new LogHistogram();
  for (const v of values) h.add(v);
  const total = values.reduce((a, b) => a + b, 0);
  return {
    name, count: values.length, errors: 0, total_ms: total, mean_ms: total / values.length, stddev_ms: 0, min_ms: h.min, max_ms: h.max,
    p50_ms: h.quantile(0.5), p90_ms: h.quantile(0.9), p95_ms: h.quantile(0.95), p99_ms: h.quantile(0.99), p999_ms: h.quantile(0.999),
    self_total_ms: total, self_mean_ms: total / values.length, exemplars: [], sketch: h.toJSON(),
  };
}

function doc(spans: SpanEntry[], start = '2026-01-01T00:00:00.000Z'): SpanSummaryDocument {
  return {
    schema_version: 1, service: { name: 'amanuensis' }, generated_at: start, window: { start, end: start, kind: 'cumulative' },
    warmup_spans_skipped: 0, dropped_spans: 0, sampling: { sampler: 'parentbased_always_on', unsampled_spans: 0 },
    overflow: { names: 0, paths: 0, in_flight: 0 }, internal_errors: 0, spans, paths: [], requests: [], resources: [],
  };
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('stageBreakdown', () => {
  it('subtracts counts and totals and gives the exact quantiles of the spans in between while counts are small', () => {
    const early = range(10, () => 1000);
    const during = range(20, (i) => i + 1);
    const result = stageBreakdown(doc([entry('encoder', early)]), doc([entry('encoder', [...early, ...during]), entry('decoder', [5])]));
    assert.ok(result, 'comparable');
    const encoder = result.stages.find((s) => s.name === 'encoder')!;
    assert.equal(encoder.count, 20, 'count difference');
    assert.equal(encoder.total_ms, 210, 'total difference');
    assert.equal(encoder.mean_ms, 10.5, 'mean from the totals');
    assert.equal(encoder.p50_ms, 10, 'exact median of 1..20 (rank 10)');
    assert.equal(encoder.p99_ms, 20, 'exact p99 of 1..20 (the early 1000 ms spans are gone)');
    assert.equal(result.stages.find((s) => s.name === 'decoder')?.count, 1, 'a name new in the second summary');
  });

  it('subtracts bucket counts for large sketches, within the sketch accuracy', () => {
    const early = range(500, () => 2000);
    const during = range(1000, (i) => 1 + (i % 100));
    const result = stageBreakdown(doc([entry('mel', early)]), doc([entry('mel', [...early, ...during])]));
    const mel = result!.stages[0]!;
    assert.equal(mel.count, 1000, 'count');
    assert.ok(Math.abs(mel.p99_ms! - 99) <= 99 * 0.02, `p99 ${mel.p99_ms} near 99, not the earlier 2000`);
    assert.ok(Math.abs(mel.p50_ms! - 50) <= 50 * 0.02, `p50 ${mel.p50_ms} near 50`);
  });

  it('refuses summaries from different windows (a reset in between)', () => {
    assert.equal(stageBreakdown(doc([entry('a', [1])]), doc([entry('a', [1, 2])], '2026-01-01T00:01:00.000Z')), undefined, 'not comparable');
  });

  it('gives null quantiles when the sketches do not nest', () => {
    assert.equal(quantilesOfDifference(entry('a', [1, 2, 3]).sketch, entry('a', [7]).sketch, [0.5]), undefined, 'value 7 was never in the later sketch');
  });
});
