/**
 * Scale-out with `collect` itself: the SDK's OTLP exporter sends every span to one collect
 * receiver and, routed by trace id as the Collector's load_balancing exporter routes them, to one of
 * two more. The two instances' summaries must merge into what the one that got everything says
 * (docs/scale-out.md, "Exactly one summary").
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { type Collector, startCollector } from '../../src/collect/collector.ts';
import { mulberry32 } from '../../src/core/random.ts';
import { mergeSummaries } from '../../src/rollup/merge.ts';
import { transcription } from '../rollup/requests.ts';
import { testTracer } from '../rollup/spans.ts';
import { ByTraceId, summaryDifferences } from '../support/scale-out.ts';
import { waitUntil } from '../support/wait.ts';

const REQUESTS = 60;
/** Spans per `transcription()`: the root, transcribe, decode, mel, log-mel, encoder, kernel, decoder. */
const SPANS_PER_REQUEST = 8;

function exportTo(collector: Collector): SimpleSpanProcessor {
  return new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }) });
}

describe('collect instances fed by trace id', () => {
  let whole: Collector;
  let instances: Collector[];
  let router: ByTraceId;

  before(async () => {
    const start = () => startCollector({ port: 0, completionWaitMs: 300, metrics: false });
    [whole, ...instances] = await Promise.all([start(), start(), start()]);
    router = new ByTraceId(instances.map(exportTo));
    const { tree, provider } = testTracer([exportTo(whole), router]);
    const random = mulberry32(17);
    for (let i = 0; i < REQUESTS; i++) {
      tree(transcription(Math.round(random() * 40_000) / 1000, random() < 0.125 ? 200 : 0), i * 10_000);
      // The exporter allows 30 exports in flight: flush every two requests' spans (16 each way).
      if (i % 2 === 1) await provider.forceFlush();
    }
    await provider.forceFlush();
    for (const collector of [whole, ...instances])
      await waitUntil('every span received and every trace rolled up', () => collector.health(), {
        until: (health) => health.waiting_spans === 0 && health.spans > 0,
      });
  });
  after(() => Promise.all([whole, ...instances].map((collector) => collector?.close())));

  it('receives every span once on the whole receiver and once across the instances', () => {
    const spans = instances.map((collector) => collector.health().spans);
    assert.equal(whole.health().spans, REQUESTS * SPANS_PER_REQUEST, 'the whole receiver got every span');
    assert.equal(
      spans.reduce((a, b) => a + b, 0),
      REQUESTS * SPANS_PER_REQUEST,
      `the instances got every span between them (${spans.join(' + ')})`,
    );
    assert.ok(
      spans.every((n) => n >= 10 * SPANS_PER_REQUEST),
      `both instances got traces (${spans.join(', ')} spans)`,
    );
    for (const collector of [whole, ...instances])
      assert.deepEqual(
        [collector.health().rejected_spans, collector.health().late_spans],
        [0, 0],
        'no span rejected or late',
      );
  });

  it('merges the instances into exactly the summary of the receiver that got everything', () => {
    const one = whole.summary();
    const merged = mergeSummaries(instances.map((collector) => JSON.parse(JSON.stringify(collector.summary()))));
    assert.equal(merged.requests[0]?.count, REQUESTS, 'every request attributed once');
    assert.deepEqual(summaryDifferences(merged, one), [], 'no field differs beyond float rounding of its sums');
    for (const [i, entry] of merged.spans.entries())
      assert.deepEqual(
        entry.exemplars.map((e) => e.duration_ms),
        one.spans[i]!.exemplars.map((e) => e.duration_ms),
        `${entry.name}: the slowest durations`,
      );
  });
});
