import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, DataPointType, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { SpanDurationProducer } from '../../src/rollup/span-duration-producer.ts';
import { SpanDurationStore } from '../../src/rollup/span-duration-store.ts';
import { SpanMetricsProcessor } from '../../src/rollup/span-metrics-processor.ts';
import { testTracer } from './spans.ts';

const DESCRIPTION = { name: 'h', description: 'd', scope: { name: 's', version: '1' } };

async function transcribePoint(
  producer: SpanDurationProducer,
): Promise<{ count: number; sum: number; counts: number[] } | undefined> {
  const { resourceMetrics } = await producer.collect();
  const metric = resourceMetrics.scopeMetrics[0]!.metrics[0] as HistogramMetricData;
  assert.equal(metric.dataPointType, DataPointType.HISTOGRAM, 'a histogram');
  const point = metric.dataPoints.find((p) => p.attributes.span_name === 'transcribe');
  return point && { count: point.value.count, sum: point.value.sum!, counts: point.value.buckets.counts };
}

describe('SpanDurationProducer', () => {
  it('gives a cumulative reader the totals and a delta reader the change since its last collection', async () => {
    const store = new SpanDurationStore(16);
    const { tree } = testTracer([new SpanMetricsProcessor(store, () => Promise.resolve())]);
    const cumulative = new SpanDurationProducer(store, DESCRIPTION, () => AggregationTemporality.CUMULATIVE);
    const delta = new SpanDurationProducer(store, DESCRIPTION, () => AggregationTemporality.DELTA);
    tree({ name: 'transcribe', start: 0, end: 100 });
    tree({ name: 'transcribe', start: 0, end: 2000 });
    assert.equal((await transcribePoint(delta))?.count, 2, 'the first delta has both spans');
    tree({ name: 'transcribe', start: 0, end: 100 });
    const second = (await transcribePoint(delta))!;
    assert.equal(second.count, 1, 'the second delta has the one span since');
    assert.ok(Math.abs(second.sum - 0.1) < 1e-12, `its sum is that span's 0.1 s (${second.sum})`);
    assert.equal(
      second.counts.reduce((a, b) => a + b, 0),
      1,
      'and its buckets hold one span',
    );
    const total = (await transcribePoint(cumulative))!;
    assert.equal(total.count, 3, 'a cumulative reader sees all three, whatever the delta reader took');
  });
});

describe('SpanMetricsProcessor', () => {
  it('never throws from onEnd, and skips what is not a duration', async () => {
    const store = new SpanDurationStore(16);
    const processor = new SpanMetricsProcessor(store, () => Promise.resolve());
    const broken = {
      name: 'broken',
      duration: [0, 1000],
      endTime: [0, 0],
      spanContext: () => {
        throw new Error('no context');
      },
    };
    const negative = {
      name: 'negative',
      duration: [-1, 0],
      endTime: [0, 0],
      spanContext: () => ({ traceId: 'a', spanId: 'b', traceFlags: 1 }),
    };
    assert.doesNotThrow(() => processor.onEnd(broken as never), 'a span whose context throws');
    assert.doesNotThrow(() => processor.onEnd(negative as never), 'a negative duration');
    assert.doesNotThrow(() => processor.onEnd({} as never), 'not a span at all');
    const names = store.slots().map((slot) => [slot.labelValue, slot.totals[1]]);
    assert.deepEqual(
      names,
      [['broken', 1]],
      'the broken span still counts (its exemplar is lost); the negative one does not',
    );
    assert.equal(store.exemplar('broken', 0), undefined, 'no exemplar without a span context');
  });
});
