import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { BUCKET_RATIO, createSpanMetrics, spanDurationBoundaries, SPAN_DURATION_METRIC, type SpanMetrics } from '../../src/rollup/metrics.ts';
import { requestSpec, testTracer } from './spans.ts';

async function scrape(metrics: SpanMetrics): Promise<string> {
  const server = createServer((request, response) => metrics.handleMetrics(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    assert.equal(response.status, 200, 'metrics answer 200');
    return await response.text();
  } finally {
    server.close();
  }
}

/** The (le, cumulative count) pairs of one span name's histogram in a text exposition. */
function bucketsOf(text: string, spanName: string): [number, number][] {
  const pattern = new RegExp(`^${SPAN_DURATION_METRIC}_bucket\\{span_name="${spanName.replace(/\./g, '\\.')}",le="([^"]+)"\\} (\\d+)$`, 'gm');
  return [...text.matchAll(pattern)].map((m) => [m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
}

describe('createSpanMetrics', () => {
  it('exposes span durations as a Prometheus histogram per span name', async () => {
    const metrics = await createSpanMetrics({ serviceName: 'svc', env: {} });
    const { tree } = testTracer([metrics.processor]);
    for (let i = 0; i < 3; i++) tree(requestSpec(), i * 1000);
    const text = await scrape(metrics);
    assert.match(text, new RegExp(`# TYPE ${SPAN_DURATION_METRIC} histogram`), 'a histogram');
    assert.match(text, new RegExp(`${SPAN_DURATION_METRIC}_count\\{span_name="transcribe"\\} 3`), 'three transcribe spans');
    assert.match(text, new RegExp(`${SPAN_DURATION_METRIC}_count\\{span_name="npu.kernel_execution"\\} 6`), 'six kernels');
    assert.match(text, new RegExp(`${SPAN_DURATION_METRIC}_sum\\{span_name="transcribe"\\} 300`), 'sum in milliseconds');
    const buckets = bucketsOf(text, 'transcribe');
    const below = buckets.filter(([le]) => le < 100).at(-1)!;
    const above = buckets.find(([le]) => le >= 100)!;
    assert.equal(below[1], 0, `no transcribe span at or below ${below[0]} ms`);
    assert.equal(above[1], 3, `all three at or below ${above[0]} ms`);
    assert.equal(buckets.at(-1)![0], Infinity, 'ends with +Inf');
    await metrics.shutdown();
    await metrics.shutdown();
  });

  it('bounds the span_name label values', async () => {
    const metrics = await createSpanMetrics({ serviceName: 'svc', maxNames: 2, env: {} });
    const { tree } = testTracer([metrics.processor]);
    for (let i = 0; i < 5; i++) tree({ name: `name-${i}`, start: 0, end: 1 }, i * 10);
    const text = await scrape(metrics);
    assert.match(text, new RegExp(`${SPAN_DURATION_METRIC}_count\\{span_name="_other"\\} 3`), 'names beyond the bound share one label value');
    assert.doesNotMatch(text, /span_name="name-4"/, 'no label for the fifth name');
    await metrics.shutdown();
  });

  it('uses geometric millisecond boundaries a few percent apart over 1 us .. 10 min', () => {
    const boundaries = spanDurationBoundaries();
    assert.ok(boundaries[0]! <= 0.05 && boundaries.at(-1)! >= 600_000, 'covers the trackable range');
    for (let i = 1; i < boundaries.length; i++) {
      const ratio = boundaries[i]! / boundaries[i - 1]!;
      assert.ok(ratio > 1 && ratio <= BUCKET_RATIO * 1.002, `boundary ${i} is ${ratio} times the previous`);
    }
  });
});
