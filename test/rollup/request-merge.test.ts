import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/core/random.ts';
import type { RequestEntry, SpanSummaryDocument } from '../../src/rollup/document.ts';
import { mergeSummaries } from '../../src/rollup/merge.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { subtractSummary } from '../../src/rollup/subtract.ts';
import { parseSummary } from '../../src/rollup/validate.ts';
import { Router, transcription } from './requests.ts';
import { testTracer } from './spans.ts';

/** The same numbers, up to float rounding of sums taken in another order. */
function assertSameEntry(got: RequestEntry, expected: RequestEntry, what: string): void {
  assert.equal(got.count, expected.count, `${what}: count`);
  assert.deepEqual(
    got.state?.buckets.map((b) => [b.index, b.count]),
    expected.state?.buckets.map((b) => [b.index, b.count]),
    `${what}: bucket counts`,
  );
  assert.deepEqual(got.state?.duration.counts, expected.state?.duration.counts, `${what}: duration sketch`);
  for (const field of ['p50', 'p99', 'max'] as const)
    assert.equal(got.unattributed_ms[field], expected.unattributed_ms[field], `${what}: unattributed ${field}`);
  assert.equal(got.tail.slow_count, expected.tail.slow_count, `${what}: slow count`);
  assert.equal(got.tail.slow_threshold_ms, expected.tail.slow_threshold_ms, `${what}: slow threshold`);
  assert.deepEqual(
    got.tail.stages.map((s) => s.name),
    expected.tail.stages.map((s) => s.name),
    `${what}: stages in the same order`,
  );
  got.tail.stages.forEach((stage, i) => {
    const want = expected.tail.stages[i]!;
    assert.ok(
      Math.abs(stage.delta_ms - want.delta_ms) < 1e-6,
      `${what}: ${stage.name} delta ${stage.delta_ms} vs ${want.delta_ms}`,
    );
    assert.ok(Math.abs(stage.share - want.share) < 1e-6, `${what}: ${stage.name} share`);
  });
}

/** Requests of random jitter, one in eight with +200 ms in log-mel, spread over `targets` by `pick`. */
function drive(
  count: number,
  seed: number,
  route: (i: number) => void,
  tree: ReturnType<typeof testTracer>['tree'],
  offsetMs = 0,
): void {
  const random = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    route(i);
    tree(transcription(Math.round(random() * 40_000) / 1000, random() < 0.125 ? 200 : 0), offsetMs + i * 10_000);
  }
}

describe('request attribution across documents', () => {
  it('merges two replicas into what one processor that saw every span reports', () => {
    const whole = new RollupSpanProcessor({ serviceName: 'svc' });
    const left = new RollupSpanProcessor({ serviceName: 'svc' });
    const right = new RollupSpanProcessor({ serviceName: 'svc' });
    const router = new Router(left);
    const { tree } = testTracer([whole, router]);
    drive(300, 7, (i) => (router.target = i % 3 === 0 ? left : right), tree);
    const expected = whole.summary().requests[0]!;
    const merged = mergeSummaries([
      JSON.parse(JSON.stringify(left.summary())),
      JSON.parse(JSON.stringify(right.summary())),
    ]).requests[0]!;
    assertSameEntry(merged, expected, 'merged');
    assert.deepEqual(
      merged.slowest.map((t) => t.trace_id),
      expected.slowest.map((t) => t.trace_id),
      'the K slowest of all inputs',
    );
    assert.deepEqual(merged.slowest[0], expected.slowest[0], 'the slowest tree itself');
    assert.equal(merged.typical.length, expected.typical.length, 'as many typical traces');
    const median = merged.state!.duration.count > 0 ? expected.tail.slow_threshold_ms : 0;
    for (const trace of merged.typical) assert.ok(trace.duration_ms < median, 'typical traces are not from the tail');
  });

  it('subtracts an earlier snapshot: the difference is what a processor of the later requests alone reports', () => {
    const cumulative = new RollupSpanProcessor({ serviceName: 'svc' });
    const later = new RollupSpanProcessor({ serviceName: 'svc' });
    const router = new Router(later);
    const { tree } = testTracer([cumulative, router]);
    const idle = new RollupSpanProcessor({ serviceName: 'svc' });
    drive(150, 11, () => (router.target = idle), tree);
    const before = JSON.parse(JSON.stringify(cumulative.summary())) as SpanSummaryDocument;
    drive(120, 12, () => (router.target = later), tree, 5e6);
    const after = JSON.parse(JSON.stringify(cumulative.summary())) as SpanSummaryDocument;
    const difference = subtractSummary(after, before);
    const expected = later.summary().requests[0]!;
    assertSameEntry(difference.requests[0]!, expected, 'difference');
    const newOnes = new Set(expected.slowest.map((t) => t.trace_id));
    for (const trace of difference.requests[0]!.slowest)
      assert.ok(newOnes.has(trace.trace_id), 'kept traces of the difference are from the later requests');
    assert.deepEqual(subtractSummary(after, after).requests, [], 'nothing happened between a snapshot and itself');
    assert.throws(() => subtractSummary(before, after), /fewer|lacks|not part/, 'the later snapshot first is an error');
  });

  it('reads documents written before requests and resources existed, with both empty', () => {
    const document = JSON.parse(JSON.stringify(new RollupSpanProcessor({ serviceName: 'old' }).summary())) as Record<
      string,
      unknown
    >;
    delete document.requests;
    delete document.resources;
    const parsed = parseSummary(JSON.stringify(document));
    assert.deepEqual([parsed.requests, parsed.resources], [[], []], 'missing sections read as empty');
    assert.deepEqual(mergeSummaries([document, document]).requests, [], 'and merge');
  });

  it('rejects a malformed request entry, naming it', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    testTracer([processor]).tree(transcription());
    const document = JSON.parse(JSON.stringify(processor.summary())) as SpanSummaryDocument;
    const badCount = structuredClone(document);
    badCount.requests[0]!.state!.buckets[0]!.count += 1;
    assert.throws(
      () => mergeSummaries([badCount]),
      /requests "POST \/v1\/audio\/transcriptions".*count/,
      'buckets must agree with the sketch',
    );
    const badTail = JSON.parse(JSON.stringify(document)) as { requests: { tail: { stages: unknown } }[] };
    badTail.requests[0]!.tail.stages = 'none';
    assert.throws(
      () => parseSummary(JSON.stringify(badTail)),
      /requests\[0\]\.tail\.stages must be an array/,
      'the field is named',
    );
    const stateless = structuredClone(document);
    delete stateless.requests[0]!.state;
    assert.throws(() => mergeSummaries([stateless]), /no state/, 'an entry without state cannot merge');
  });
});
