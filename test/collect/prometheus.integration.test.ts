/**
 * collect's GET /metrics as Prometheus reads it: the Debian Prometheus binary scrapes a collect
 * receiver fed by another process's SDK OTLP exporter, and its span-duration counts per span name
 * are the spans that process made.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Collector, startCollector } from '../../src/collect/collector.ts';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { SPAN_DURATION_METRIC, SPAN_NAME_LABEL } from '../../src/rollup/metrics.ts';
import { SENDER_SPANS_PER_REQUEST, sendFromProcess } from '../support/otlp-sender.ts';
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.ts';
import { waitUntil } from '../support/wait.ts';

const REQUESTS = 12;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe("collect's /metrics scraped by a real Prometheus", () => {
  let collector: Collector;
  let prometheus: RunningPrometheus | undefined;
  let sent: SpanSummaryDocument;

  before(async () => {
    collector = await startCollector({ port: 0, completionWaitMs: 300 });
    sent = await sendFromProcess(collector.url, 'proto', REQUESTS);
    await waitUntil('every span received', () => collector.health(), {
      until: (health) => health.spans === REQUESTS * SENDER_SPANS_PER_REQUEST,
    });
    prometheus = await startPrometheus(new URL(collector.url).host);
  });
  after(async () => {
    await prometheus?.stop();
    await collector?.close();
  });

  it('counts per span name what the sending process made', { timeout: 60_000 }, async () => {
    const expected = Object.fromEntries(sent.spans.map((span) => [span.name, span.count]));
    const scraped = await waitUntil(
      'Prometheus to scrape every span name',
      async () => {
        const samples = await prometheus!.api<{ result: Sample[] }>('query', {
          query: `sum by (${SPAN_NAME_LABEL}) (${SPAN_DURATION_METRIC}_count)`,
        });
        return Object.fromEntries(samples.result.map((s) => [s.metric[SPAN_NAME_LABEL]!, Number(s.value[1])]));
      },
      { until: (counts) => Object.keys(counts).length === Object.keys(expected).length, timeoutMs: 40_000 },
    );
    assert.deepEqual(scraped, expected, 'the span counts per name Prometheus stored are the sender’s');
  });
});
