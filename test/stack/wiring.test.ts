import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { durationMs, endpointPort, loadCollectorConfig, onlyOfType } from './collector-config.ts';
import { asRecord, asStrings, composeService, composeServices, readRepoYaml } from './files.ts';

/**
 * The single-node stack spans four files that must agree: the collector exports where Jaeger listens,
 * its span metrics have the names Jaeger's Monitor tab queries, and Prometheus scrapes what the
 * collector exposes. None of this is checked by any one component's own config validation.
 */
const collector = loadCollectorConfig('collector/collector.yaml');
const jaeger = loadCollectorConfig('collector/jaeger.yaml');
const services = composeServices();
const scrapeTargets = (asRecord(readRepoYaml('prometheus/prometheus.yml')).scrape_configs as unknown[])
  .flatMap((job) => (asRecord(job).static_configs as unknown[] | undefined) ?? [])
  .flatMap((group) => asStrings(asRecord(group).targets));

describe('single-node stack wiring', () => {
  it('exports every span from the collector to the port Jaeger receives OTLP/gRPC on', () => {
    const traces = collector.pipelines.find((p) => p.id === 'traces');
    assert.ok(traces, 'the collector has a traces pipeline');
    const exporterId = traces.exporters.find((id) => id.startsWith('otlp_grpc'));
    assert.ok(exporterId, 'the traces pipeline exports over OTLP/gRPC');
    const endpoint = String(asRecord(collector.exporters[exporterId]).endpoint);
    const [host, port] = endpoint.split(':');
    composeService(services, host!);
    const jaegerGrpc = asRecord(asRecord(asRecord(jaeger.receivers.otlp).protocols).grpc).endpoint;
    assert.equal(Number(port), endpointPort(jaegerGrpc), `${endpoint} is Jaeger's OTLP/gRPC receiver`);
    assert.equal(
      asRecord(asRecord(collector.exporters[exporterId]).tls).insecure,
      true,
      'plain gRPC inside the compose network',
    );
  });

  it('publishes the collector receiver ports on the host', () => {
    const protocols = asRecord(asRecord(collector.receivers.otlp).protocols);
    const ports = Object.values(protocols)
      .map((p) => endpointPort(asRecord(p).endpoint))
      .sort();
    assert.deepEqual(
      composeService(services, 'collector').publishedPorts.sort(),
      ports,
      'the collector publishes its OTLP ports',
    );
  });

  it('records span durations as an explicit millisecond histogram', () => {
    const spanMetrics = onlyOfType(collector, 'connectors', 'span_metrics');
    const histogram = asRecord(spanMetrics.histogram);
    assert.equal(histogram.unit, 'ms', 'Jaeger reads the histogram in milliseconds');
    assert.equal(histogram.exponential, undefined, 'not an exponential histogram (the Monitor tab needs le buckets)');
    const buckets = asStrings(asRecord(histogram.explicit).buckets).map(durationMs);
    assert.ok(buckets.length >= 8, 'enough buckets for p50/p75/p95 estimates');
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]! > buckets[i - 1]!, 'buckets increase');
    assert.ok(buckets[0]! < 1, 'sub-millisecond stage spans land in their own bucket');
  });

  it("names span metrics the way Jaeger's Monitor tab queries them", () => {
    const spanMetrics = onlyOfType(collector, 'connectors', 'span_metrics');
    const prometheusExporter = onlyOfType(collector, 'exporters', 'prometheus');
    const backend = asRecord(Object.values(asRecord(asRecord(jaeger.extensions.jaeger_storage).metric_backends))[0]);
    const prom = asRecord(backend.prometheus);
    assert.equal(
      prom.metric_namespace,
      String(spanMetrics.namespace).replaceAll('.', '_'),
      'Jaeger uses the connector namespace',
    );
    assert.equal(prom.latency_unit, asRecord(spanMetrics.histogram).unit, 'Jaeger uses the histogram unit');
    const suffixes = String(prometheusExporter.translation_strategy).endsWith('WithSuffixes');
    assert.equal(prom.normalize_calls, suffixes, 'calls_total suffix expected exactly when the exporter adds it');
    assert.equal(
      prom.normalize_duration,
      suffixes,
      'duration_milliseconds suffix expected exactly when the exporter adds it',
    );
  });

  it('lets Prometheus scrape the span metrics and Jaeger query Prometheus', () => {
    const exporterPort = endpointPort(onlyOfType(collector, 'exporters', 'prometheus').endpoint);
    assert.ok(scrapeTargets.includes(`collector:${exporterPort}`), `Prometheus scrapes collector:${exporterPort}`);
    assert.ok(scrapeTargets.includes('service:8080'), "Prometheus scrapes the service's own /metrics");
    const storage = asRecord(jaeger.extensions.jaeger_storage);
    const query = asRecord(asRecord(jaeger.extensions.jaeger_query).storage);
    const backend = asRecord(asRecord(storage.metric_backends)[String(query.metrics)]);
    const url = new URL(String(asRecord(backend.prometheus).endpoint));
    composeService(services, url.hostname);
    assert.equal(url.port, '9090', 'Jaeger queries the Prometheus HTTP API port');
    assert.ok(String(query.traces) in asRecord(storage.backends), 'jaeger_query reads a defined trace backend');
    assert.equal(
      asRecord(jaeger.exporters.jaeger_storage_exporter).trace_storage,
      query.traces,
      'Jaeger writes where it reads',
    );
  });
});
