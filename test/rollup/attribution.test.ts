import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import type { RequestEntry } from '../../src/rollup/document.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { GAP_MS, ROOT, transcription } from './requests.ts';
import { type SpanSpec, testTracer } from './spans.ts';

function requestsOf(processor: RollupSpanProcessor): RequestEntry[] {
  return processor.summary().requests;
}

/** 100 requests with jitter 0..9 ms (plus i µs, so no two last the same); those with i % 10 === 3
 *  get `extraMs` more in mel.log_mel. */
function plantedRun(extraMs: number, options: ConstructorParameters<typeof RollupSpanProcessor>[0] = {}) {
  const processor = new RollupSpanProcessor(options);
  const { tree } = testTracer([processor]);
  const made = Array.from({ length: 100 }, (_, i) =>
    tree(transcription((i % 10) + i / 1000, i % 10 === 3 ? extraMs : 0), i * 10_000),
  );
  return { processor, made };
}

describe('RollupSpanProcessor request attribution', () => {
  it('finds the unattributed time of a hand-built tree: the gaps between leaves, overlaps counted once', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    const gaps: SpanSpec = {
      name: 'root',
      kind: SpanKind.SERVER,
      start: 0,
      end: 100,
      children: [
        { name: 'a', start: 0, end: 40 },
        {
          name: 'b',
          start: 50,
          end: 90,
          children: [
            { name: 'b1', start: 50, end: 60 },
            { name: 'b2', start: 70, end: 90 },
          ],
        },
      ],
    };
    const overlapping: SpanSpec = {
      name: 'root',
      kind: SpanKind.SERVER,
      start: 0,
      end: 100,
      children: [
        {
          name: 'c',
          start: 10,
          end: 90,
          children: [
            { name: 'c1', start: 10, end: 30 },
            { name: 'c2', start: 20, end: 40 },
          ],
        },
      ],
    };
    tree(gaps, 0);
    tree(overlapping, 1000);
    const [entry] = requestsOf(processor);
    assert.equal(entry?.root, 'root', 'one entry for the root name');
    assert.equal(entry.count, 2, 'two requests');
    // 40..50, 60..70 and 90..100 in the first; 0..10 and 40..100 in the second (c is no leaf).
    assert.equal(entry.unattributed_ms.p50, 30, 'the first request leaves 30 ms unattributed');
    assert.equal(entry.unattributed_ms.max, 70, 'the second leaves 70 ms: c1 and c2 overlap, c has children');
    assert.equal(entry.unattributed_ms.mean, 50, 'mean of 30 and 70');
    assert.equal(entry.unattributed_share.p99, 0.7, 'share of the worst');
  });

  it('counts a root without children as fully attributed', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    testTracer([processor]).tree({ name: 'lonely', kind: SpanKind.SERVER, start: 0, end: 12 });
    const [entry] = requestsOf(processor);
    assert.equal(entry?.unattributed_ms.max, 0, 'a leaf root covers itself');
  });

  it('names a planted slow stage in the tail: +300 ms in mel.log_mel for one request in ten', () => {
    const { processor } = plantedRun(300);
    const [entry] = requestsOf(processor);
    assert.equal(entry?.root, ROOT, 'the SERVER span is the root');
    assert.equal(entry.count, 100, 'every request counted');
    const tail = entry.tail;
    assert.equal(tail.slow_quantile, 0.95, 'default slow quantile');
    assert.equal(tail.slow_count, 6, 'ranks 95..100 are slow');
    assert.equal(tail.baseline_count, 51, 'ranks 25..75 are the baseline');
    const top = tail.stages[0]!;
    assert.equal(top.name, 'mel.log_mel', `top stage is the planted one: ${JSON.stringify(tail.stages.slice(0, 3))}`);
    assert.ok(Math.abs(top.delta_ms - 300) < 1e-6, `about +300 ms (${top.delta_ms})`);
    assert.ok(top.share > 0.9 && top.share < 1.1, `about all of the extra time (${top.share})`);
    assert.ok(
      Math.abs(tail.stages.reduce((sum, s) => sum + s.share, 0) - 1) < 1e-6,
      'shares add up to 1 (stages run one after another)',
    );
    for (let i = 1; i < tail.stages.length; i++)
      assert.ok(tail.stages[i - 1]!.delta_ms >= tail.stages[i]!.delta_ms, 'sorted by delta');
    assert.ok(tail.slow_threshold_ms > 300, `the threshold is among the slow requests (${tail.slow_threshold_ms})`);
    // 100 values: the sketch answers within its 1% accuracy; the mean is exact up to the
    // resolution of epoch milliseconds as doubles (a quarter of a microsecond).
    assert.ok(
      Math.abs(entry.unattributed_ms.mean - GAP_MS) < 1e-3,
      `the same ${GAP_MS} ms of gaps in every request (${entry.unattributed_ms.mean})`,
    );
    assert.ok(
      Math.abs(entry.unattributed_ms.p99 - GAP_MS) <= 0.01 * GAP_MS,
      `p99 within 1% of ${GAP_MS} ms (${entry.unattributed_ms.p99})`,
    );
  });

  it('keeps the exact span trees of the K slowest requests, and typical ones near the median', () => {
    const { processor, made } = plantedRun(300, { keepSlowest: 3 });
    const [entry] = requestsOf(processor);
    const durations = made.map((spans) => {
      const root = spans[0]!;
      return {
        traceId: root.spanContext().traceId,
        ms:
          (root as unknown as { duration: [number, number] }).duration[0] * 1e3 +
          (root as unknown as { duration: [number, number] }).duration[1] / 1e6,
      };
    });
    const slowest = [...durations].sort((a, b) => b.ms - a.ms).slice(0, 3);
    assert.deepEqual(
      entry?.slowest.map((t) => t.trace_id),
      slowest.map((d) => d.traceId),
      'the three slowest, slowest first',
    );
    const kept = entry.slowest[0]!;
    const spans = made.find((list) => list[0]!.spanContext().traceId === kept.trace_id)!;
    assert.equal(kept.spans.length, spans.length, 'every span of the request');
    const startOf = (span: (typeof spans)[number]) => {
      const t = (span as unknown as { startTime: [number, number] }).startTime;
      return t[0] * 1e3 + t[1] / 1e6;
    };
    const rootStart = startOf(spans[0]!);
    for (const span of spans) {
      const id = span.spanContext().spanId;
      const got = kept.spans.find((s) => s.span_id === id);
      assert.ok(got, `span ${id} kept`);
      const readable = span as unknown as {
        name: string;
        duration: [number, number];
        parentSpanContext?: { spanId: string };
      };
      assert.equal(got.name, readable.name, `${got.name} named`);
      assert.equal(got.parent_span_id, readable.parentSpanContext?.spanId ?? '', `${got.name} under its parent`);
      assert.ok(
        Math.abs(got.duration_ms - (readable.duration[0] * 1e3 + readable.duration[1] / 1e6)) < 1e-9,
        `${got.name} duration exact`,
      );
      assert.ok(Math.abs(got.start_ms - (startOf(span) - rootStart)) < 1e-3, `${got.name} start from the root's start`);
    }
    assert.equal(kept.spans[0]!.parent_span_id, '', 'root first');
    assert.equal(entry.typical.length, 3, 'three typical requests');
    const sorted = durations.map((d) => d.ms).sort((a, b) => a - b);
    const median = sorted[49]!;
    for (const trace of entry.typical)
      assert.ok(
        Math.abs(trace.duration_ms - median) <= 2,
        `typical ${trace.duration_ms} ms is near the median ${median} ms`,
      );
  });

  it('has empty requests and resources before any request, and works with no options', () => {
    const previous = process.env.OTEL_SERVICE_NAME;
    delete process.env.OTEL_SERVICE_NAME;
    try {
      const document = new RollupSpanProcessor().summary();
      assert.deepEqual(document.requests, [], 'requests: []');
      assert.deepEqual(document.resources, [], 'resources: []');
      assert.equal(document.service.name, 'unknown_service', 'the SDK default service name');
      process.env.OTEL_SERVICE_NAME = 'from-env';
      assert.equal(
        new RollupSpanProcessor().summary().service.name,
        'from-env',
        'OTEL_SERVICE_NAME when no name is given',
      );
    } finally {
      if (previous === undefined) delete process.env.OTEL_SERVICE_NAME;
      else process.env.OTEL_SERVICE_NAME = previous;
    }
  });

  it('attributes requests by interval and forgets them on reset', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc' });
    const { tree } = testTracer([processor]);
    tree(transcription(), 0);
    const first = processor.rotate();
    tree(transcription(), 1000);
    tree(transcription(), 2000);
    assert.equal(first.requests[0]?.count, 1, 'the first interval saw one request');
    assert.equal(processor.summary({ window: 'interval' }).requests[0]?.count, 1, 'the last completed interval');
    assert.equal(processor.summary().requests[0]?.count, 3, 'cumulative: all three');
    assert.equal(processor.rotate().requests[0]?.count, 2, 'the second interval saw two');
    processor.reset();
    assert.deepEqual(processor.summary().requests, [], 'reset forgets them');
  });

  it('rejects a slow quantile outside (0, 1)', () => {
    assert.throws(() => new RollupSpanProcessor({ slowQuantile: 1 }), /slowQuantile/, 'slowQuantile 1');
  });
});

describe('RollupSpanProcessor without attribution', () => {
  it('leaves requests empty and the span statistics as they were', () => {
    const processor = new RollupSpanProcessor({ serviceName: 'svc', attribution: false });
    testTracer([processor]).tree(transcription());
    const document = processor.summary();
    assert.deepEqual(document.requests, [], 'no request entries');
    assert.equal(document.spans.find((s) => s.name === ROOT)?.count, 1, 'the root still counted');
  });
});
