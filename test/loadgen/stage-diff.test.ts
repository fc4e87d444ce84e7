import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantilesOfDifference, stageBreakdown } from '../../src/loadgen/stage-diff.ts';
import type { ResourceEntry, SpanEntry, SpanSummaryDocument } from '../../src/rollup/document.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { LogHistogram } from '../../src/rollup/sketch.ts';
import { requestSpec, type SpanSpec, testTracer } from '../rollup/spans.ts';

function entry(name: string, values: number[]): SpanEntry {
  const h = new LogHistogram();
  for (const v of values) h.add(v);
  const total = values.reduce((a, b) => a + b, 0);
  return {
    name,
    count: values.length,
    errors: 0,
    total_ms: total,
    mean_ms: total / values.length,
    stddev_ms: 0,
    min_ms: h.min,
    max_ms: h.max,
    p50_ms: h.quantile(0.5),
    p90_ms: h.quantile(0.9),
    p95_ms: h.quantile(0.95),
    p99_ms: h.quantile(0.99),
    p999_ms: h.quantile(0.999),
    self_total_ms: total,
    self_mean_ms: total / values.length,
    exemplars: [],
    sketch: h.toJSON(),
  };
}

function doc(spans: SpanEntry[], start = '2026-01-01T00:00:00.000Z'): SpanSummaryDocument {
  return {
    schema_version: 1,
    service: { name: 'amanuensis' },
    generated_at: start,
    window: { start, end: start, kind: 'cumulative' },
    warmup_spans_skipped: 0,
    dropped_spans: 0,
    sampling: { sampler: 'parentbased_always_on', unsampled_spans: 0 },
    overflow: { names: 0, paths: 0, in_flight: 0 },
    internal_errors: 0,
    spans,
    paths: [],
    requests: [],
    resources: [],
  };
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('stageBreakdown', () => {
  it('subtracts counts and totals and gives the exact quantiles of the spans in between while counts are small', () => {
    const early = range(10, () => 1000);
    const during = range(20, (i) => i + 1);
    const result = stageBreakdown(
      doc([entry('encoder', early)]),
      doc([entry('encoder', [...early, ...during]), entry('decoder', [5])]),
    );
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
    assert.equal(
      stageBreakdown(doc([entry('a', [1])]), doc([entry('a', [1, 2])], '2026-01-01T00:01:00.000Z')),
      undefined,
      'not comparable',
    );
  });

  it('gives null quantiles when the sketches do not nest', () => {
    assert.equal(
      quantilesOfDifference(entry('a', [1, 2, 3]).sketch, entry('a', [7]).sketch, [0.5]),
      undefined,
      'value 7 was never in the later sketch',
    );
  });
});

/** requestSpec(1) with `extraMs` more in the decoder (and so in its parents). */
function slowDecoder(extraMs: number): SpanSpec {
  const spec = requestSpec(1);
  const transcribe = spec.children![0]!;
  const decoder = transcribe.children!.find((c) => c.name === 'decoder')!;
  decoder.end += extraMs;
  transcribe.end += extraMs;
  spec.end += extraMs;
  return spec;
}

describe('stageBreakdown of request attribution and resources', () => {
  it('gives the scenario its own tail: the stage planted in it, none of the earlier requests', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'amanuensis' });
    const { tree } = testTracer([processor]);
    for (let i = 0; i < 40; i++) tree(requestSpec(1 + (i % 4) / 10), i * 1000);
    const before = processor.summary();
    for (let i = 0; i < 40; i++) tree(slowDecoder(i % 10 === 0 ? 300 : 0), 100_000 + i * 1000);
    const result = stageBreakdown(before, processor.summary());
    const [entry] = result?.requests ?? [];
    assert.equal(entry?.count, 40, 'only the requests made in between');
    assert.equal(entry?.tail.stages[0]?.name, 'decoder', 'the planted stage leads the tail');
    assert.ok(
      Math.abs(entry!.tail.stages[0]!.delta_ms - 300) < 300 * 0.05,
      `about +300 ms (got ${entry?.tail.stages[0]?.delta_ms})`,
    );
    assert.equal('state' in entry!, false, 'load results carry no sketches');
  });

  it('gives each resource its utilization and queue over the scenario alone', () => {
    const resource = (busyMs: number, windowMs: number, queueMs: number): ResourceEntry => ({
      name: 'worker_pool',
      capacity: 2,
      utilization: busyMs / 2 / windowMs,
      busy_ms: busyMs,
      window_ms: windowMs,
      queue_mean: queueMs / windowMs,
      queue_max: 4,
      in_use: 0,
      queued: 0,
      queue_ms: queueMs,
    });
    const before = { ...doc([entry('a', [1])]), resources: [resource(200, 1000, 0)] };
    const after = { ...doc([entry('a', [1, 2])]), resources: [resource(2200, 2000, 3000)] };
    const [pool] = stageBreakdown(before, after)?.resources ?? [];
    assert.equal(
      pool?.utilization,
      1,
      '2000 busy ms of 2 threads over 1000 ms: saturated in the scenario, though 0.55 since the start',
    );
    assert.equal(pool?.queue_mean, 3, '3000 waiter-ms over 1000 ms');
  });

  it('gives empty ones for a target whose summaries have none', () => {
    const old = (d: SpanSummaryDocument): SpanSummaryDocument => {
      const { requests: _requests, resources: _resources, ...rest } = d;
      return rest as SpanSummaryDocument;
    };
    const result = stageBreakdown(old(doc([entry('a', [1])])), old(doc([entry('a', [1, 2])])));
    assert.equal(result?.stages[0]?.count, 1, 'the stages still subtract');
    assert.deepEqual(
      [result?.requests, result?.resources],
      [[], []],
      'no requests or resources of its own: empty, as the rollup reads such summaries',
    );
  });
});
