/**
 * GET /metrics in real use: the Debian Prometheus binary, with exemplar storage on, scrapes a
 * service that exports its traces over OTLP to a receiver. The exemplars Prometheus stores must
 * name spans the receiver really got; the histogram is in seconds with at most 40 series per
 * span name; target_info carries the trace resource (service.version, OTEL_RESOURCE_ATTRIBUTES);
 * histogram_quantile agrees with the span summary's p99 to within the bucket that holds it.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SPAN_DURATION_BOUNDS_S, SPAN_DURATION_METRIC } from '../../src/rollup/metrics.ts';
import { parseSummary } from '../../src/rollup/validate.ts';
import { PACKAGE_VERSION } from '../../src/telemetry/version.ts';
import { type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.ts';
import { otlpEnv, type RunningService, startService, transcribe } from '../support/service.ts';
import { speechWav } from '../support/speech.ts';
import { waitUntil } from '../support/wait.ts';

const REQUESTS = 16;
const API_KEY = 'sk-prometheus-test-0123456789';
const ENVIRONMENT = 'prometheus-test';

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

describe('Prometheus scraping /metrics', () => {
  let receiver: Receiver;
  let service: RunningService;
  let prometheus: RunningPrometheus | undefined;
  const vector = (query: string): Promise<Sample[]> =>
    prometheus!.api<{ result: Sample[] }>('query', { query }).then((data) => data.result);

  before(async () => {
    receiver = await startReceiver();
    service = await startService(['--api-key', API_KEY], {
      ...otlpEnv(receiver.url),
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_RESOURCE_ATTRIBUTES: `deployment.environment.name=${ENVIRONMENT}`,
    });
    const wav = await speechWav('prometheus scrapes the service', { sampleRateHz: 16000 });
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, () => transcribe(service.url, wav, {}, { authorization: `Bearer ${API_KEY}` })),
    );
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    assert.deepEqual(
      responses.map((r) => r.status),
      new Array(REQUESTS).fill(200),
      'every request served',
    );
    prometheus = await startPrometheus(new URL(service.url).host, { bearerToken: API_KEY });
    await waitUntil(
      'a scrape with every transcribe span',
      async () => {
        const [sample] = await vector(`${SPAN_DURATION_METRIC}_count{span_name="transcribe"}`);
        return Number(sample?.value[1]);
      },
      { timeoutMs: 60_000, intervalMs: 200, retryErrors: true, until: (count) => count === REQUESTS },
    );
  });
  after(async () => {
    await prometheus?.stop();
    await service?.stop();
    await receiver?.close();
  });

  it('stores exemplars whose trace and span ids the service really exported', { timeout: 60_000 }, async (t) => {
    const end = String(Date.now() / 1000 + 60);
    const series = await waitUntil(
      'exemplars of transcribe spans',
      () =>
        prometheus!.api<ExemplarSeries[]>('query_exemplars', {
          query: `${SPAN_DURATION_METRIC}_bucket`,
          start: '0',
          end,
        }),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        retryErrors: true,
        until: (found) => found.some((s) => s.seriesLabels.span_name === 'transcribe' && s.exemplars.length > 0),
      },
    );
    const exemplars = series.flatMap((s) =>
      s.exemplars.map((e) => ({ spanName: s.seriesLabels.span_name!, le: Number(s.seriesLabels.le), ...e })),
    );
    const exported = await receiver.waitForSpans(
      (spans) => exemplars.every((e) => spans.some((span) => span.spanId === e.labels.span_id)),
      20_000,
    );
    t.diagnostic(
      `${exemplars.length} exemplars over ${new Set(exemplars.map((e) => e.spanName)).size} span names; ${exported.length} spans exported`,
    );
    for (const exemplar of exemplars) {
      const span = exported.find((s) => s.spanId === exemplar.labels.span_id);
      assert.ok(span, `exemplar span ${exemplar.labels.span_id} was exported`);
      assert.equal(
        span.traceId,
        exemplar.labels.trace_id,
        `its trace id ${exemplar.labels.trace_id} is the exported span's`,
      );
      assert.equal(span.name, exemplar.spanName, `span ${span.spanId} is a ${exemplar.spanName} span`);
      const seconds = Number(span.endNs - span.startNs) / 1e9;
      assert.ok(
        Math.abs(seconds - Number(exemplar.value)) < 1e-6,
        `exemplar value ${exemplar.value} s is the span's duration ${seconds} s`,
      );
      assert.ok(
        Number(exemplar.value) <= exemplar.le,
        `exemplar ${exemplar.value} s sits in a bucket with le=${exemplar.le}`,
      );
    }
  });

  it('has seconds and at most 40 series per span name', async () => {
    const counts = await vector(
      `count by (span_name) ({__name__=~"${SPAN_DURATION_METRIC}_(bucket|sum|count)", job="amanuensis"})`,
    );
    assert.ok(counts.length >= 5, `several span names (${counts.map((c) => c.metric.span_name).join(', ')})`);
    for (const count of counts)
      assert.ok(Number(count.value[1]) <= 40, `${count.metric.span_name}: ${count.value[1]} series`);
    const [mean] = await vector(
      `${SPAN_DURATION_METRIC}_sum{span_name="transcribe"} / ${SPAN_DURATION_METRIC}_count{span_name="transcribe"}`,
    );
    const seconds = Number(mean?.value[1]);
    assert.ok(seconds > 0.001 && seconds < 60, `mean transcribe time ${seconds} reads as seconds`);
  });

  it('carries the trace resource in target_info, without credentials', async () => {
    const [info] = await vector('target_info{job="amanuensis"}');
    assert.ok(info, 'target_info is scraped');
    assert.equal(info.metric.service_name, 'amanuensis', 'service.name');
    assert.equal(info.metric.service_version, PACKAGE_VERSION, 'service.version is the package version');
    assert.equal(info.metric.deployment_environment_name, ENVIRONMENT, 'OTEL_RESOURCE_ATTRIBUTES reaches metrics');
    assert.match(info.metric.service_instance_id ?? '', /^[0-9a-f-]{36}$/, 'the detected service.instance.id');
    assert.ok(info.metric.host_name && info.metric.process_pid, 'the host and process detectors ran');
    assert.ok(
      !JSON.stringify(info.metric).includes(API_KEY),
      'the API key given on the command line is not in target_info',
    );
  });

  it('exposes the resource gauges and the dropped-span counter', async () => {
    const pool = await vector('amanuensis_resource_utilization_ratio{resource="worker_pool"}');
    assert.equal(pool.length, 1, 'worker pool utilization');
    const ratio = Number(pool[0]!.value[1]);
    assert.ok(ratio >= 0 && ratio <= 1, `a ratio: ${ratio}`);
    const queued = await vector('amanuensis_resource_queued{resource="admission"}');
    assert.equal(queued.length, 1, 'admission queue length');
    const [dropped] = await vector('amanuensis_dropped_spans_total');
    assert.equal(Number(dropped?.value[1]), 0, 'no span dropped');
  });

  it('agrees with the summary p99 of transcribe to within the bucket histogram_quantile interpolates in', async (t) => {
    const [quantile] = await vector(`histogram_quantile(0.99, ${SPAN_DURATION_METRIC}_bucket{span_name="transcribe"})`);
    const prometheusP99 = Number(quantile?.value[1]);
    assert.ok(Number.isFinite(prometheusP99), `histogram_quantile answers (${prometheusP99})`);
    const summary = parseSummary(
      await (await fetch(`${service.url}/v1/span-summary`, { headers: { authorization: `Bearer ${API_KEY}` } })).text(),
    );
    const entry = summary.spans.find((e) => e.name === 'transcribe')!;
    assert.equal(entry.count, REQUESTS, 'the summary saw the same spans');
    const summaryP99 = entry.p99_ms / 1000;
    const upper = SPAN_DURATION_BOUNDS_S.find((bound) => bound >= prometheusP99)!;
    const lower = SPAN_DURATION_BOUNDS_S[SPAN_DURATION_BOUNDS_S.indexOf(upper) - 1] ?? 0;
    t.diagnostic(`prometheus p99 ${prometheusP99} s, summary p99 ${summaryP99} s, bucket (${lower}, ${upper}]`);
    // The summary's value (1% relative error) lies in the bucket that holds the rank; histogram_quantile interpolates inside it.
    assert.ok(
      summaryP99 >= lower * 0.99 && summaryP99 <= upper * 1.01,
      `summary p99 ${summaryP99} s lies in Prometheus's bucket (${lower}, ${upper}]`,
    );
  });
});
