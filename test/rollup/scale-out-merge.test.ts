/**
 * Scale-out: the Collector's load_balancing exporter routes by trace id, so every trace is whole
 * on one rollup instance; `mergeSummaries` of the instances must then say what one instance that
 * saw every trace says. Which fields are exact, which equal up to float rounding, and which are
 * only alike is listed in docs/scale-out.md ("Exactly one summary"); this test holds the code to it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { mulberry32 } from '../../src/core/random.ts';
import type { KeptTrace, SpanSummaryDocument } from '../../src/rollup/document.ts';
import { mergeSummaries } from '../../src/rollup/merge.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { ByTraceId, summaryDifferences } from '../support/scale-out.ts';
import { transcription } from './requests.ts';
import { type SpanSpec, testTracer } from './spans.ts';

/** A health check as a second kind of request, so there are two roots to attribute. */
function healthCheck(ms: number): SpanSpec {
  return {
    name: 'GET /health',
    kind: SpanKind.SERVER,
    start: 0,
    end: ms + 1,
    children: [{ name: 'health.check', start: 0.5, end: ms + 0.5 }],
  };
}

/** `count` requests of random durations (some failed, one in eight slow in log-mel, a few health checks). */
function drive(tree: ReturnType<typeof testTracer>['tree'], count: number, seed: number): void {
  const random = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    if (random() < 0.1) {
      tree(healthCheck(Math.round(random() * 3000) / 1000), i * 10_000);
      continue;
    }
    const spec = transcription(Math.round(random() * 40_000) / 1000, random() < 0.125 ? 200 : 0);
    if (random() < 0.05) spec.error = true;
    tree(spec, i * 10_000);
  }
}

function roundTrip(processor: RollupSpanProcessor): SpanSummaryDocument {
  return JSON.parse(JSON.stringify(processor.summary())) as SpanSummaryDocument;
}

describe('mergeSummaries of instances fed by trace id', () => {
  const whole = new RollupSpanProcessor({ serviceName: 'svc' });
  const instances = [new RollupSpanProcessor({ serviceName: 'svc' }), new RollupSpanProcessor({ serviceName: 'svc' })];
  const router = new ByTraceId(instances);
  const { tree } = testTracer([whole, router]);
  drive(tree, 500, 5);
  const one = roundTrip(whole);
  const parts = instances.map(roundTrip);
  const merged = mergeSummaries(parts);

  it('splits the traces, each whole on one instance', () => {
    const [a, b] = router.traces;
    assert.ok(a!.size > 150 && b!.size > 150, `both instances get traces (${a!.size} and ${b!.size})`);
    for (const id of a!) assert.ok(!b!.has(id), `trace ${id} went to one instance only`);
  });

  it('gives exactly the counts, sketches, percentiles, paths, tail and slowest traces of one instance', () => {
    assert.deepEqual(summaryDifferences(merged, one), [], 'no field differs beyond float rounding of its sums');
    assert.equal(merged.requests.length, 2, 'both roots are attributed');
    assert.ok(
      merged.requests.every((entry) => entry.tail.slow_count > 0),
      'every root has a tail to compare',
    );
  });

  it('keeps exemplars of exactly the same durations', () => {
    for (const [i, entry] of merged.spans.entries()) {
      const want = one.spans[i]!;
      assert.deepEqual(
        entry.exemplars.map((e) => e.duration_ms),
        want.exemplars.map((e) => e.duration_ms),
        `${entry.name}: the slowest five durations (ids may differ among spans of equal duration)`,
      );
    }
  });

  it('keeps typical requests near the merged median, each one an instance kept', () => {
    const kept = new Set(parts.flatMap((part) => part.requests.flatMap((r) => r.typical.map((t) => t.trace_id))));
    for (const entry of merged.requests) {
      const want = one.requests.find((r) => r.root === entry.root)!;
      assert.equal(entry.typical.length, want.typical.length, `${entry.root}: as many typical requests`);
      const stats = merged.spans.find((s) => s.name === entry.root)!;
      for (const trace of entry.typical as KeptTrace[]) {
        assert.ok(kept.has(trace.trace_id), `${entry.root}: ${trace.trace_id} was kept by an instance`);
        assert.ok(
          trace.duration_ms >= stats.min_ms && trace.duration_ms < entry.tail.slow_threshold_ms,
          `${entry.root}: typical ${trace.duration_ms} ms is below the tail (${entry.tail.slow_threshold_ms} ms)`,
        );
      }
    }
  });

  it('covers the union of the windows', () => {
    assert.equal(merged.window.kind, 'merged', 'marked as merged');
    const starts = parts.map((p) => Date.parse(p.window.start));
    const ends = parts.map((p) => Date.parse(p.window.end));
    assert.equal(Date.parse(merged.window.start), Math.min(...starts), 'from the earliest start');
    assert.equal(Date.parse(merged.window.end), Math.max(...ends), 'to the latest end');
    assert.equal(merged.service.name, 'svc', 'one service name');
  });
});
