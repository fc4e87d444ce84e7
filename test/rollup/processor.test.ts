import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AlwaysOffSampler, createAlwaysRecordSampler, type ReadableSpan, type Span } from '@opentelemetry/sdk-trace';
import type { PathEntry, SpanEntry, SpanSummaryDocument } from '../../src/rollup/document.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { heavyTailed, mulberry32 } from './fixtures.ts';
import { at, requestSpec, testTracer } from './spans.ts';

function spanEntry(document: SpanSummaryDocument, name: string): SpanEntry {
  const entry = document.spans.find((s) => s.name === name);
  assert.ok(entry, `span entry ${name} exists (have ${document.spans.map((s) => s.name).join(', ')})`);
  return entry;
}

function pathEntry(document: SpanSummaryDocument, path: string): PathEntry {
  const entry = document.paths.find((p) => p.path === path);
  assert.ok(entry, `path entry ${path} exists (have ${document.paths.map((p) => p.path).join(', ')})`);
  return entry;
}

function close(actual: number, expected: number, message: string, tolerance = 1e-6): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${message}: ${actual} vs ${expected}`,
  );
}

describe('RollupSpanProcessor', () => {
  it('rolls spans up per name and per path of local INTERNAL ancestors', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    for (let i = 0; i < 3; i++) tree(requestSpec(), i * 1000);
    const document = processor.summary();
    assert.equal(document.schema_version, 1, 'schema version');
    assert.equal(document.service.name, 'svc', 'service name');
    assert.deepEqual(
      document.paths.map((p) => p.path),
      [
        'POST /v1/audio/transcriptions',
        'transcribe',
        'transcribe/audio.decode',
        'transcribe/decoder',
        'transcribe/encoder',
        'transcribe/encoder/npu.kernel_execution',
      ],
      'the SERVER span is its own path; INTERNAL chains start below it',
    );
    assert.deepEqual(
      pathEntry(document, 'transcribe/encoder/npu.kernel_execution').names,
      ['transcribe', 'encoder', 'npu.kernel_execution'],
      'names array',
    );
    assert.equal(spanEntry(document, 'npu.kernel_execution').count, 6, 'two kernels per request');
    assert.equal(spanEntry(document, 'transcribe').count, 3, 'one transcribe per request');
    assert.equal(spanEntry(document, 'transcribe').total_ms, 300, 'total of three 100 ms spans');
    assert.equal(document.spans[0]!.name, 'POST /v1/audio/transcriptions', 'spans sorted by total time, largest first');
    assert.equal(document.internal_errors, 0, 'no internal errors');
  });

  it('computes self time as duration minus direct children', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    testTracer([processor]).tree(requestSpec());
    const document = processor.summary();
    assert.equal(
      spanEntry(document, 'transcribe').self_total_ms,
      100 - 10 - 50 - 30,
      'transcribe minus decode, encoder, decoder',
    );
    assert.equal(spanEntry(document, 'encoder').self_total_ms, 50 - 40, 'encoder minus its two kernels');
    assert.equal(spanEntry(document, 'POST /v1/audio/transcriptions').self_total_ms, 10, 'SERVER minus transcribe');
    assert.equal(spanEntry(document, 'npu.kernel_execution').self_mean_ms, 20, 'leaves are all self time');
  });

  it('floors self time at zero when children overlap', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    testTracer([processor]).tree({
      name: 'parallel',
      start: 0,
      end: 10,
      children: [
        { name: 'a', start: 0, end: 10 },
        { name: 'b', start: 0, end: 10 },
      ],
    });
    assert.equal(
      spanEntry(processor.summary(), 'parallel').self_total_ms,
      0,
      'concurrent children never make self time negative',
    );
  });

  it("keeps each path's mean start offset from its root for the waterfall", () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    tree(requestSpec(1), 0);
    tree(requestSpec(2), 5000);
    const document = processor.summary();
    assert.equal(pathEntry(document, 'transcribe').start_offset_mean_ms, 0, 'a root starts at its own start');
    assert.equal(
      pathEntry(document, 'transcribe/encoder').start_offset_mean_ms,
      (10 + 20) / 2,
      'encoder starts 10 ms (then 20 ms) after transcribe',
    );
    assert.equal(
      pathEntry(document, 'transcribe/encoder/npu.kernel_execution').start_offset_mean_ms,
      (12 + 32 + 24 + 64) / 4,
      'kernels averaged over occurrences',
    );
  });

  it('matches a two-pass mean and standard deviation (Welford)', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    const random = mulberry32(21);
    const durations: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const d = Math.round((1000 + random() * 50) * 1000) / 1000;
      durations.push(d);
      tree({ name: 'op', start: 0, end: d }, i * 2000);
    }
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    const variance = durations.reduce((a, b) => a + (b - mean) ** 2, 0) / (durations.length - 1);
    const entry = spanEntry(processor.summary(), 'op');
    close(entry.mean_ms, mean, 'mean', 1e-9);
    close(entry.stddev_ms, Math.sqrt(variance), 'stddev', 1e-6);
    assert.equal(entry.min_ms, Math.min(...durations), 'min');
    assert.equal(entry.max_ms, Math.max(...durations), 'max');
  });

  it('keeps the five slowest spans as exemplars', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    const values = heavyTailed(500, 13);
    const made = new Map<string, number>();
    values.forEach((d, i) => {
      const [span] = tree({ name: 'op', start: 0, end: Math.round(d * 1000) / 1000 }, i * 1000);
      made.set(span!.spanContext().spanId, Math.round(d * 1000) / 1000);
    });
    const slowest = [...made.values()].sort((a, b) => b - a).slice(0, 5);
    const entry = spanEntry(processor.summary(), 'op');
    assert.deepEqual(
      entry.exemplars.map((e) => e.duration_ms),
      slowest,
      'exemplars are the five slowest, slowest first',
    );
    for (const e of entry.exemplars) {
      assert.equal(made.get(e.span_id), e.duration_ms, 'exemplar span id is the span with that duration');
      assert.match(e.trace_id, /^[0-9a-f]{32}$/, 'trace id is a W3C trace id');
    }
  });

  it('counts errors, and reports monotone quantiles clamped to [min, max]', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    heavyTailed(3000, 17).forEach((d, i) => {
      tree({ name: 'op', start: 0, end: Math.round(d * 1000) / 1000, error: i % 10 === 0 }, i * 1000);
    });
    const entry = spanEntry(processor.summary(), 'op');
    assert.equal(entry.errors, 300, 'every tenth span failed');
    const quantiles = [
      entry.min_ms,
      entry.p50_ms,
      entry.p90_ms,
      entry.p95_ms,
      entry.p99_ms,
      entry.p999_ms,
      entry.max_ms,
    ];
    for (let i = 1; i < quantiles.length; i++)
      assert.ok(quantiles[i]! >= quantiles[i - 1]!, `quantiles monotone: ${quantiles.join(' <= ')}`);
    assert.equal(entry.sketch.count, 3000, 'the sketch carries every span');
  });

  it('bounds names and paths and counts the overflow', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', maxNames: 4, maxPaths: 3 });
    const { tree } = testTracer([processor]);
    for (let i = 0; i < 10; i++) tree({ name: `name-${i}`, start: 0, end: 1 }, i * 10);
    let document = processor.summary();
    assert.equal(document.spans.length, 4, 'only four names tracked');
    assert.equal(document.overflow.names, 6, 'the other six spans counted as name overflow');
    const narrow = new RollupSpanProcessor({ serviceName: 'svc', maxPaths: 2 });
    testTracer([narrow]).tree({
      name: 'a',
      start: 0,
      end: 5,
      children: [{ name: 'b', start: 0, end: 1, children: [{ name: 'c', start: 0, end: 1 }] }],
    });
    document = narrow.summary();
    assert.deepEqual(
      document.paths.map((p) => p.path),
      ['a', 'a/b'],
      'paths stay bounded',
    );
    assert.equal(document.overflow.paths, 1, 'the span whose path found no room is counted');
    assert.equal(spanEntry(document, 'c').count, 1, 'a span without a path still counts for its name');
  });

  it('aggregates in batches as small as two spans exactly as in one', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', batchSize: 2 });
    const { tree } = testTracer([processor]);
    tree({
      name: 'a',
      start: 0,
      end: 4,
      children: [{ name: 'b', start: 1, end: 3, children: [{ name: 'c', start: 2, end: 2.5 }] }],
    });
    const document = processor.summary();
    assert.deepEqual(pathEntry(document, 'a/b/c').names, ['a', 'b', 'c'], 'the nested span has its path');
    assert.equal(spanEntry(document, 'b').self_total_ms, 1.5, 'b subtracts c');
    assert.equal(spanEntry(document, 'a').self_total_ms, 2, 'a subtracts b');
    assert.deepEqual([document.overflow.in_flight, document.overflow.paths], [0, 0], 'nothing overflowed');
    for (let i = 1; i < 50; i++)
      tree({ name: 'a', start: 0, end: 2, children: [{ name: 'b', start: 0, end: 1 }] }, i * 10);
    const later = processor.summary();
    assert.equal(pathEntry(later, 'a/b').count, 50, 'every child under its parent across batch boundaries');
    assert.equal(later.requests[0]?.count, 50, 'every request attributed');
  });

  it('holds a tree until its local root ends, then aggregates it whole', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const tracer = testTracer([processor]).provider.getTracer('t');
    const root = tracer.startSpan('root', { startTime: at(0) });
    tracer.startSpan('child', { startTime: at(1) }, trace.setSpan(context.active(), root)).end(at(3));
    assert.deepEqual(processor.summary().spans, [], 'a child waits for its root');
    root.end(at(5));
    const document = processor.summary();
    assert.equal(pathEntry(document, 'root/child').count, 1, 'the child under its root');
    assert.equal(spanEntry(document, 'root').self_total_ms, 3, 'the root minus its child');
  });

  it('aggregates spans whose root never ends once their trace has been quiet for traceWaitMs', (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.now() });
    const processor = new RollupSpanProcessor({ serviceName: 'svc', traceWaitMs: 5000 });
    const tracer = testTracer([processor]).provider.getTracer('t');
    const root = tracer.startSpan('hung', { startTime: at(0) });
    tracer.startSpan('child', { startTime: at(1) }, trace.setSpan(context.active(), root)).end(at(3));
    // A second at a time: the mock sets the clock to the end of a tick before any callback runs.
    const seconds = (n: number): void => {
      for (let i = 0; i < n; i++) t.mock.timers.tick(1000);
    };
    seconds(4);
    assert.deepEqual(processor.summary().spans, [], 'still waiting within the wait');
    seconds(3);
    const document = processor.summary();
    assert.deepEqual(
      document.paths.map((p) => [p.path, p.count]),
      [['child', 1]],
      'aggregated under a path of its own',
    );
    assert.deepEqual(document.requests, [], 'no request without its root');
    root.end(at(10));
    assert.equal(spanEntry(processor.summary(), 'hung').count, 1, 'the root still counts when it ends');
    assert.deepEqual(processor.summary().requests, [], 'but is no whole request');
  });

  it('leaves spans with frozen contexts untracked but counted', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const context = Object.freeze({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
    const span = {
      name: 'frozen',
      kind: SpanKind.INTERNAL,
      startTime: at(0),
      endTime: at(5),
      duration: [0, 5_000_000],
      status: { code: 0 },
      spanContext: () => context,
    };
    processor.onStart(span as unknown as Span, undefined as never);
    processor.onEnd(span as unknown as ReadableSpan);
    const document = processor.summary();
    assert.equal(spanEntry(document, 'frozen').count, 1, 'counted by name');
    assert.equal(document.overflow.in_flight, 1, 'counted as not tracked in flight');
    assert.equal(document.internal_errors, 0, 'not an internal error');
  });

  it('skips the first N spans as warm-up', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', warmupSpans: 7 });
    const { tree } = testTracer([processor]);
    for (let i = 0; i < 10; i++) tree(requestSpec(), i * 1000);
    const document = processor.summary();
    assert.equal(document.warmup_spans_skipped, 7, 'seven spans skipped');
    const total = document.spans.reduce((sum, s) => sum + s.count, 0);
    assert.equal(total, 10 * 7 - 7, 'every later span counted');
    const fresh = new RollupSpanProcessor({ serviceName: 'svc' });
    testTracer([fresh]).tree(requestSpec());
    assert.equal(fresh.summary().warmup_spans_skipped, 0, 'warm-up is off by default');
  });

  it('skips spans that end within the first T ms as warm-up', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', warmupMs: 60_000 });
    const { tree } = testTracer([processor]);
    const nowOffset = Date.now() - Math.floor(Date.now() / 1000) * 1000;
    tree({ name: 'early', start: nowOffset, end: nowOffset + 5 });
    tree({ name: 'late', start: nowOffset + 70_000, end: nowOffset + 70_005 });
    const document = processor.summary();
    assert.equal(document.warmup_spans_skipped, 1, 'the early span is warm-up');
    assert.deepEqual(
      document.spans.map((s) => s.name),
      ['late'],
      'only the late span counted',
    );
  });

  it('reports interval windows beside the cumulative one', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    for (let i = 0; i < 4; i++) tree({ name: 'op', start: 0, end: 10 }, i * 100);
    const first = processor.rotate();
    for (let i = 0; i < 6; i++) tree({ name: 'op', start: 0, end: 20 }, 10_000 + i * 100);
    assert.equal(first.window.kind, 'interval', 'rotate returns an interval document');
    assert.equal(spanEntry(first, 'op').count, 4, 'first interval');
    assert.equal(spanEntry(processor.summary({ window: 'interval' }), 'op').count, 4, 'the last completed interval');
    const cumulative = processor.summary();
    assert.equal(cumulative.window.kind, 'cumulative', 'default window');
    assert.equal(spanEntry(cumulative, 'op').count, 10, 'cumulative spans both intervals');
    assert.equal(spanEntry(cumulative, 'op').max_ms, 20, 'cumulative max');
    assert.equal(spanEntry(processor.rotate(), 'op').count, 6, 'second interval');
    assert.equal(spanEntry(processor.summary(), 'op').count, 10, 'cumulative unchanged by rotation');
  });

  it('rotates on its own with intervalMs', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const processor = new RollupSpanProcessor({ serviceName: 'svc', intervalMs: 20 });
    const { tree } = testTracer([processor]);
    tree({ name: 'op', start: 0, end: 1 });
    t.mock.timers.tick(20);
    tree({ name: 'later', start: 100, end: 101 });
    const interval = processor.summary({ window: 'interval' });
    assert.deepEqual(
      interval.spans.map((s) => s.name),
      ['op'],
      'the last completed interval ended before the later span: a rotation happened',
    );
    t.mock.timers.tick(20);
    assert.deepEqual(
      processor.summary({ window: 'interval' }).spans.map((s) => s.name),
      ['later'],
      'and the next one',
    );
    assert.equal(spanEntry(processor.summary(), 'op').count, 1, 'cumulative keeps the span after rotations');
    assert.equal(spanEntry(processor.summary(), 'later').count, 1, 'and the later one');
  });

  it('reset forgets everything', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    tree(requestSpec());
    processor.rotate();
    tree(requestSpec());
    processor.reset();
    assert.deepEqual(processor.summary().spans, [], 'no spans after reset');
    tree(requestSpec());
    assert.equal(spanEntry(processor.summary(), 'transcribe').count, 1, 'counts again after reset');
  });

  it('reports dropped spans, the sampler and recorded-but-unsampled spans', () => {
    let dropped = 3;
    const processor = new RollupSpanProcessor({
      serviceName: 'svc',
      droppedSpans: () => dropped,
      sampler: 'always_record(always_off)',
    });
    testTracer([processor], createAlwaysRecordSampler(new AlwaysOffSampler())).tree(requestSpec());
    let document = processor.summary();
    assert.equal(document.dropped_spans, 3, 'dropped spans from the provider');
    assert.equal(document.sampling.sampler, 'always_record(always_off)', 'sampler description');
    assert.equal(document.sampling.unsampled_spans, 7, 'all seven spans were recorded but not sampled');
    assert.equal(spanEntry(document, 'transcribe').count, 1, 'record-only spans are rolled up');
    dropped = Number.NaN;
    const broken = new RollupSpanProcessor({
      serviceName: 'svc',
      droppedSpans: () => {
        throw new Error('boom');
      },
    });
    document = broken.summary();
    assert.equal(document.dropped_spans, 0, 'a failing counter reads as 0');
  });

  it('never throws, whatever the span looks like', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const weird: unknown[] = [
      {},
      null,
      undefined,
      { spanContext: () => null },
      {
        spanContext: () => ({ spanId: 'x', traceId: 'y', traceFlags: 1 }),
        duration: [Number.NaN, 0],
        status: {},
        name: 'nan',
      },
      {
        spanContext: () => ({ spanId: 'z', traceId: 'y', traceFlags: 1 }),
        duration: [-5, 0],
        status: { code: 2 },
        name: 'negative',
        startTime: [0, 0],
        endTime: [0, 0],
      },
      {
        spanContext: () => {
          throw new Error('broken');
        },
      },
      {
        spanContext: () => ({ spanId: 'p', traceId: 't', traceFlags: 1 }),
        parentSpanContext: { spanId: 'missing' },
        name: 42,
        kind: 'weird',
        startTime: 'now',
      },
    ];
    for (const span of weird) {
      assert.doesNotThrow(() => processor.onStart(span as Span, undefined as never), 'onStart never throws');
      assert.doesNotThrow(() => processor.onEnd(span as ReadableSpan), 'onEnd never throws');
      assert.doesNotThrow(() => processor.onEnd(span as ReadableSpan), 'a second onEnd never throws');
    }
    const document = processor.summary();
    assert.ok(document.internal_errors > 0, 'broken spans are counted as internal errors');
    assert.equal(spanEntry(document, 'negative').min_ms, 0, 'a negative duration counts as 0');
    const { tree } = testTracer([processor]);
    tree(requestSpec());
    assert.equal(spanEntry(processor.summary(), 'transcribe').count, 1, 'still works afterwards');
  });

  it('does not charge a child that ends after its parent to the parent, or to anything else', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', batchSize: 2 });
    const tracer = testTracer([processor]).provider.getTracer('t');
    const parent = tracer.startSpan('parent', { startTime: at(0) });
    const child = tracer.startSpan('child', { startTime: at(1) }, trace.setSpan(context.active(), parent));
    parent.end(at(2));
    const reuser = tracer.startSpan('reuser', { startTime: at(3) });
    child.end(at(10));
    reuser.end(at(13));
    const document = processor.summary();
    assert.equal(spanEntry(document, 'reuser').self_total_ms, 10, 'an unrelated span keeps all its time');
    assert.equal(spanEntry(document, 'parent').self_total_ms, 2, 'a child still running at its end is not subtracted');
  });

  it('rolls a span up under the name it ends with', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const tracer = testTracer([processor]).provider.getTracer('t');
    const server = tracer.startSpan('POST', { kind: SpanKind.SERVER, startTime: at(0) });
    const child = tracer.startSpan('transcribe', { startTime: at(1) }, trace.setSpan(context.active(), server));
    child.end(at(9));
    server.updateName('POST /v1/audio/transcriptions');
    server.end(at(10));
    const document = processor.summary();
    assert.deepEqual(
      document.spans.map((s) => s.name).sort(),
      ['POST /v1/audio/transcriptions', 'transcribe'],
      'the renamed span counts under its final name',
    );
    assert.equal(pathEntry(document, 'POST /v1/audio/transcriptions').self_total_ms, 2, 'with its children subtracted');
  });

  it('lets two processors on one provider both track paths and self time', () => {
    const first = new RollupSpanProcessor({ serviceName: 'svc' });
    const second = new RollupSpanProcessor({ serviceName: 'svc' });
    testTracer([first, second]).tree(requestSpec());
    for (const processor of [first, second]) {
      const document = processor.summary();
      assert.equal(
        pathEntry(document, 'transcribe/encoder/npu.kernel_execution').count,
        2,
        'paths tracked by each processor',
      );
      assert.equal(spanEntry(document, 'encoder').self_total_ms, 10, 'self time tracked by each processor');
      assert.equal(document.overflow.in_flight, 0, 'no span left untracked');
    }
  });

  it('treats a parent made by another provider as remote', () => {
    const mine = new RollupSpanProcessor({ serviceName: 'svc' });
    const theirs = new RollupSpanProcessor({ serviceName: 'other' });
    const outer = testTracer([theirs]).provider.getTracer('outer');
    const inner = testTracer([mine]).provider.getTracer('inner');
    const parent = outer.startSpan('outer', { startTime: at(0) });
    inner.startSpan('inner', { startTime: at(1) }, trace.setSpan(context.active(), parent)).end(at(2));
    parent.end(at(3));
    assert.deepEqual(
      mine.summary().paths.map((p) => p.path),
      ['inner'],
      "the other provider's span is not a local parent",
    );
    assert.equal(spanEntry(theirs.summary(), 'outer').self_total_ms, 3, 'and is not charged for a child it never saw');
  });

  it('marks SERVER and CLIENT spans as their own one-element paths', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    testTracer([processor]).tree({
      name: 'work',
      start: 0,
      end: 10,
      children: [
        { name: 'GET', kind: SpanKind.CLIENT, start: 1, end: 5, children: [{ name: 'inner', start: 2, end: 3 }] },
      ],
    });
    assert.deepEqual(
      processor.summary().paths.map((p) => p.path),
      ['GET', 'inner', 'work'],
      'CLIENT span starts its own path, and so does its INTERNAL child',
    );
  });
});
