import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type Sampler, SamplingDecision } from '@opentelemetry/sdk-trace';
import { durationBucket } from '../../src/rollup/duration-buckets.ts';
import {
  createSpanMetrics,
  DROPPED_SPANS_METRIC,
  SPAN_DURATION_BOUNDS_S,
  SPAN_DURATION_METRIC,
  type SpanMetrics,
} from '../../src/rollup/metrics.ts';
import { requestSpec, testTracer } from './spans.ts';

/** The Accept header Prometheus 2.x sends by default. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function scrape(metrics: SpanMetrics, accept?: string): Promise<{ contentType: string; text: string }> {
  const server = createServer((request, response) => metrics.handleMetrics(request, response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
      accept ? { headers: { accept } } : {},
    );
    assert.equal(response.status, 200, 'metrics answer 200');
    return { contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  } finally {
    server.close();
  }
}

/** The lines of one span name's histogram (buckets, sum, count). */
function seriesOf(text: string, spanName: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${SPAN_DURATION_METRIC}_`) && line.includes(`span_name="${spanName}"`));
}

/** A sampler that records every span but samples none (the exporters would send none). */
const recordOnly: Sampler = {
  shouldSample: () => ({ decision: SamplingDecision.RECORD }),
  toString: () => 'record-only',
};

describe('createSpanMetrics', () => {
  describe('the classic text format', () => {
    it('exposes span durations in seconds as a histogram per span name, at most 40 series each', async () => {
      const metrics = await createSpanMetrics({ serviceName: 'svc', env: {} });
      const { tree } = testTracer([metrics.processor]);
      for (let i = 0; i < 3; i++) tree(requestSpec(), i * 1000);
      const { contentType, text } = await scrape(metrics);
      assert.match(contentType, /^text\/plain; version=0\.0\.4/, 'classic text without an Accept header');
      assert.match(text, new RegExp(`# TYPE ${SPAN_DURATION_METRIC} histogram`), 'a histogram');
      assert.match(
        text,
        new RegExp(`^${SPAN_DURATION_METRIC}_count\\{span_name="transcribe"\\} 3$`, 'm'),
        'three transcribe spans',
      );
      assert.match(
        text,
        new RegExp(`^${SPAN_DURATION_METRIC}_count\\{span_name="npu.kernel_execution"\\} 6$`, 'm'),
        'six kernels',
      );
      assert.match(
        text,
        new RegExp(`^${SPAN_DURATION_METRIC}_sum\\{span_name="transcribe"\\} 0\\.3`, 'm'),
        'sum in seconds',
      );
      assert.match(
        text,
        /^amanuensis_span_duration_seconds_bucket\{span_name="transcribe",le="0\.075"\} 0$/m,
        'none of the 100 ms spans at or below 75 ms',
      );
      assert.match(
        text,
        /^amanuensis_span_duration_seconds_bucket\{span_name="transcribe",le="0\.1"\} 3$/m,
        'all three at or below 100 ms',
      );
      const series = seriesOf(text, 'transcribe');
      assert.ok(series.length <= 40, `${series.length} series for one span name`);
      assert.doesNotMatch(text, / # \{/, 'no exemplars in the classic format');
      await metrics.shutdown();
      await metrics.shutdown();
    });

    it('bounds the span_name label values', async () => {
      const metrics = await createSpanMetrics({ serviceName: 'svc', maxNames: 2, env: {} });
      const { tree } = testTracer([metrics.processor]);
      for (let i = 0; i < 5; i++) tree({ name: `name-${i}`, start: 0, end: 1 }, i * 10);
      const { text } = await scrape(metrics);
      assert.match(
        text,
        new RegExp(`${SPAN_DURATION_METRIC}_count\\{span_name="_other"\\} 3`),
        'names beyond the bound share one label value',
      );
      assert.doesNotMatch(text, /span_name="name-4"/, 'no label for the fifth name');
      await metrics.shutdown();
    });

    it('starts with target_info from the resource it is given', async () => {
      const resource = resourceFromAttributes({
        'service.name': 'svc',
        'service.version': '9.8.7',
        'deployment.environment': 'staging "eu"',
      });
      const metrics = await createSpanMetrics({ serviceName: 'ignored', resource, env: {} });
      const { text } = await scrape(metrics);
      assert.match(text, /^# TYPE target_info gauge$/m, 'target_info is a gauge in the classic format');
      assert.match(
        text,
        /^target_info\{deployment_environment="staging \\"eu\\"",service_name="svc",service_version="9\.8\.7"\} 1$/m,
        `resource attributes as escaped labels: ${text.split('\n').find((l) => l.startsWith('target_info'))}`,
      );
      await metrics.shutdown();
    });

    it('counts dropped spans with a _total counter', async () => {
      const metrics = await createSpanMetrics({ serviceName: 'svc', env: {}, droppedSpans: () => 7 });
      const classic = (await scrape(metrics)).text;
      assert.match(
        classic,
        new RegExp(`^# TYPE ${DROPPED_SPANS_METRIC} counter$`, 'm'),
        'typed as a counter under its sample name',
      );
      assert.match(classic, new RegExp(`^${DROPPED_SPANS_METRIC} 7$`, 'm'), 'the current count');
      const open = (await scrape(metrics, PROMETHEUS_ACCEPT)).text;
      assert.match(open, /^# TYPE amanuensis_dropped_spans counter$/m, 'OpenMetrics names the family without _total');
      assert.match(open, new RegExp(`^${DROPPED_SPANS_METRIC} 7$`, 'm'), 'and the sample with it');
      await metrics.shutdown();
    });
  });

  describe('OpenMetrics', () => {
    it('answers Prometheus with OpenMetrics, exemplars of sampled spans on their buckets', async () => {
      const metrics = await createSpanMetrics({ serviceName: 'svc', env: {} });
      const { tree } = testTracer([metrics.processor]);
      const spans = [0, 1, 2].flatMap((i) => tree(requestSpec(), i * 1000));
      const { contentType, text } = await scrape(metrics, PROMETHEUS_ACCEPT);
      assert.match(
        contentType,
        /^application\/openmetrics-text; version=1\.0\.0/,
        'OpenMetrics when Prometheus asks for it',
      );
      assert.ok(text.endsWith('# EOF\n'), 'ends with # EOF');
      assert.match(text, /^# TYPE target info$/m, 'target_info is an info metric');
      assert.match(
        text,
        new RegExp(`^# UNIT ${SPAN_DURATION_METRIC} seconds$`, 'm'),
        'the histogram declares its unit',
      );
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${SPAN_DURATION_METRIC}_bucket{span_name="transcribe",le="0.1"}`));
      const match = /^\S+ 3 # \{trace_id="([0-9a-f]{32})",span_id="([0-9a-f]{16})"\} (\S+) (\S+)$/.exec(line ?? '');
      assert.ok(match, `the bucket of the 100 ms spans carries an exemplar: ${line}`);
      const last = spans
        .filter((span) => (span as unknown as { name: string }).name === 'transcribe')
        .at(-1)!
        .spanContext();
      assert.deepEqual([match[1], match[2]], [last.traceId, last.spanId], 'the latest transcribe span is the exemplar');
      assert.equal(Number(match[3]), 0.1, 'its value is its duration in seconds');
      assert.ok(Math.abs(Number(match[4]) - Date.now() / 1000) < 10, 'its timestamp is its end, in epoch seconds');
      const empty = text
        .split('\n')
        .find((l) => l.startsWith(`${SPAN_DURATION_METRIC}_bucket{span_name="transcribe",le="0.075"}`));
      assert.equal(
        empty,
        `${SPAN_DURATION_METRIC}_bucket{span_name="transcribe",le="0.075"} 0`,
        'an empty bucket has no exemplar',
      );
      await metrics.shutdown();
    });

    it('takes no exemplar from a span that was recorded but not sampled', async () => {
      const metrics = await createSpanMetrics({ serviceName: 'svc', env: {} });
      const { tree } = testTracer([metrics.processor], recordOnly);
      tree(requestSpec());
      const { text } = await scrape(metrics, 'application/openmetrics-text');
      assert.match(
        text,
        new RegExp(`^${SPAN_DURATION_METRIC}_count\\{span_name="transcribe"\\} 1$`, 'm'),
        'the duration still counts',
      );
      assert.doesNotMatch(text, / # \{/, 'but no trace id that no backend will have');
      await metrics.shutdown();
    });

    it('is chosen only when the Accept header prefers it', async () => {
      const metrics = await createSpanMetrics({ serviceName: 'svc', env: {} });
      const cases: [string, boolean][] = [
        [PROMETHEUS_ACCEPT, true],
        ['application/openmetrics-text; version=1.0.0', true],
        ['text/plain;version=0.0.4', false],
        ['application/openmetrics-text;q=0.2,text/plain;q=0.9', false],
        ['application/openmetrics-text;q=0', false],
        ['*/*', false],
      ];
      for (const [accept, open] of cases) {
        const { contentType } = await scrape(metrics, accept);
        assert.equal(contentType.startsWith('application/openmetrics-text'), open, `Accept: ${accept}`);
      }
      await metrics.shutdown();
    });
  });

  describe('bucket bounds', () => {
    it('cover 10 us .. 10 min in at most 37 ascending bounds (40 series with +Inf, sum and count)', () => {
      assert.ok(SPAN_DURATION_BOUNDS_S.length + 3 <= 40, `${SPAN_DURATION_BOUNDS_S.length} bounds`);
      assert.ok(
        SPAN_DURATION_BOUNDS_S[0]! <= 0.00001 && SPAN_DURATION_BOUNDS_S.at(-1)! >= 600,
        'from waits of microseconds to the longest audio',
      );
      for (let i = 1; i < SPAN_DURATION_BOUNDS_S.length; i++) {
        const ratio = SPAN_DURATION_BOUNDS_S[i]! / SPAN_DURATION_BOUNDS_S[i - 1]!;
        assert.ok(ratio > 1, `bound ${i} ascends`);
        if (SPAN_DURATION_BOUNDS_S[i - 1]! >= 0.001 && SPAN_DURATION_BOUNDS_S[i]! <= 10)
          assert.ok(ratio <= 5 / 3 + 1e-9, `bound ${i} within 1.67x of the previous between 1 ms and 10 s`);
      }
    });

    it('puts a duration in the first bucket whose bound is at least it, as le reads', () => {
      assert.equal(durationBucket(0), 0, 'zero in the first bucket');
      assert.equal(durationBucket(0.1), SPAN_DURATION_BOUNDS_S.indexOf(0.1), 'a bound is inside its own bucket');
      assert.equal(durationBucket(0.1000001), SPAN_DURATION_BOUNDS_S.indexOf(0.15), 'just above goes to the next');
      assert.equal(durationBucket(601), SPAN_DURATION_BOUNDS_S.length, 'beyond the last bound is +Inf');
    });
  });
});
