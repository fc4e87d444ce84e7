import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { ROOT, transcription } from './requests.ts';
import { at, testTracer } from './spans.ts';

describe('RollupSpanProcessor request bounds', () => {
  it('stays bounded over 100k requests: a few kept traces, a bounded state, nothing left in flight', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { provider } = testTracer([processor]);
    const tracer = provider.getTracer('bounds');
    for (let i = 0; i < 100_000; i++) {
      const root = tracer.startSpan(ROOT, { kind: SpanKind.SERVER, startTime: at(i) });
      tracer
        .startSpan('stage', { startTime: at(i) }, trace.setSpan(context.active(), root))
        .end(at(i + 0.1 + (i % 997) / 1000));
      root.end(at(i + 0.2 + (i % 997) / 1000));
    }
    const document = processor.summary();
    const [entry] = document.requests;
    assert.equal(entry?.count, 100_000, 'every request counted');
    assert.equal(entry.slowest.length, 5, 'five slowest kept');
    assert.equal(entry.typical.length, 3, 'three typical kept');
    assert.ok(
      entry.state!.buckets.length <= 40,
      `a bucket per ~8% of root duration, not per request (${entry.state!.buckets.length})`,
    );
    assert.ok(
      JSON.stringify(entry).length < 20_000,
      `the entry stays small (${JSON.stringify(entry).length} characters)`,
    );
    assert.deepEqual(
      [document.overflow.traces, document.overflow.trace_spans, document.internal_errors],
      [0, 0, 0],
      'nothing overflowed',
    );
  });

  it('survives a flood of requests whose root never ends: the oldest lose their buffers, counted, and later requests are attributed', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', maxTraces: 8 });
    const { provider, tree } = testTracer([processor]);
    const tracer = provider.getTracer('flood');
    for (let i = 0; i < 5000; i++) {
      const root = tracer.startSpan('hung', { kind: SpanKind.SERVER, startTime: at(i) });
      tracer.startSpan('work', { startTime: at(i) }, trace.setSpan(context.active(), root)).end(at(i + 1));
    }
    tree(transcription(), 10_000);
    const document = processor.summary();
    assert.ok(document.overflow.traces! >= 5000 - 8 - 1, `evicted buffers counted (${document.overflow.traces})`);
    assert.equal(document.internal_errors, 0, 'no internal error');
    assert.deepEqual(
      document.requests.map((r) => [r.root, r.count]),
      [[ROOT, 1]],
      'the finished request is attributed, the hung ones are not',
    );
    assert.equal(document.requests[0]!.slowest[0]!.spans.length, 8, 'with its whole tree');
  });

  it('truncates a request over the per-request span bound and the total, and says so', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', maxSpansPerTrace: 4, maxBufferedSpans: 6 });
    const { tree } = testTracer([processor]);
    const wide = {
      name: 'wide',
      kind: SpanKind.SERVER,
      start: 0,
      end: 20,
      children: Array.from({ length: 10 }, (_, i) => ({ name: 'leaf', start: i * 2, end: i * 2 + 2 })),
    };
    tree(wide, 0);
    const [entry] = processor.summary().requests;
    const kept = entry!.slowest[0]!;
    assert.equal(kept.spans.length, 5, 'the root and the first four spans');
    assert.equal(kept.truncated_spans, 6, 'six spans left out');
    assert.equal(processor.summary().overflow.trace_spans, 6, 'counted in the document');
    const concurrent = new RollupSpanProcessor({ serviceName: 'svc', maxSpansPerTrace: 4, maxBufferedSpans: 6 });
    const tracer = testTracer([concurrent]).provider.getTracer('total');
    const roots = [0, 1].map(() => tracer.startSpan('wide', { kind: SpanKind.SERVER, startTime: at(0) }));
    for (const root of roots)
      for (let i = 0; i < 4; i++)
        tracer.startSpan('leaf', { startTime: at(i) }, trace.setSpan(context.active(), root)).end(at(i + 1));
    for (const root of roots) root.end(at(10));
    assert.equal(concurrent.summary().overflow.trace_spans, 2, 'two spans found the buffer full');
  });
});

describe('RollupSpanProcessor kept-trace options', () => {
  it('keeps no trees when asked to keep none, and attributes the requests all the same', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', keepSlowest: 0, keepTypical: 0 });
    const { tree } = testTracer([processor]);
    for (let i = 0; i < 20; i++) tree(transcription(i), i * 1000);
    const document = processor.summary();
    assert.deepEqual(
      [document.requests[0]?.count, document.requests[0]?.slowest, document.requests[0]?.typical],
      [20, [], []],
      'counted, nothing kept',
    );
    assert.equal(document.internal_errors, 0, 'no internal error');
  });
});
