import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createSpanMetrics, SPAN_DURATION_BOUNDS_S, SPAN_DURATION_METRIC } from '../../src/rollup/metrics.ts';
import { metricsExporters } from '../../src/telemetry/env.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../src/telemetry/version.ts';
import { requestSpec, testTracer } from './spans.ts';

interface JsonAttribute {
  key: string;
  value: { stringValue?: string };
}

interface JsonExport {
  resourceMetrics: {
    resource: { attributes: JsonAttribute[] };
    scopeMetrics: {
      scope: { name: string; version?: string };
      metrics: {
        name: string;
        unit?: string;
        histogram?: { dataPoints: { explicitBounds: number[]; count: string | number }[] };
      }[];
    }[];
  }[];
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('metricsExporters', () => {
  it('reads OTEL_METRICS_EXPORTER as the whole list', () => {
    assert.deepEqual(metricsExporters({}), ['prometheus'], 'unset: the service /metrics only');
    assert.deepEqual(
      metricsExporters({ OTEL_METRICS_EXPORTER: ' otlp , console,otlp' }),
      ['otlp', 'console'],
      'a list, deduplicated',
    );
    assert.deepEqual(
      metricsExporters({ OTEL_METRICS_EXPORTER: 'prometheus,OTLP' }),
      ['prometheus', 'otlp'],
      'case does not matter',
    );
    assert.deepEqual(metricsExporters({ OTEL_METRICS_EXPORTER: 'none' }), [], 'none: no exporter');
    assert.deepEqual(metricsExporters({ OTEL_METRICS_EXPORTER: 'otlp,none' }), [], 'none wins, as in the SDK');
  });

  it('skips unknown names with a warning', async () => {
    const warned = once(process, 'warning');
    assert.deepEqual(
      metricsExporters({ OTEL_METRICS_EXPORTER: 'zipkin,console' }),
      ['console'],
      'the known name stays',
    );
    const [warning] = (await warned) as [Error];
    assert.match(warning.message, /OTEL_METRICS_EXPORTER .*"zipkin"/, 'the unknown name is named');
  });
});

describe('createSpanMetrics with OTEL_METRICS_EXPORTER=otlp', () => {
  it('pushes the histogram over OTLP with the given resource and the package scope', { timeout: 20_000 }, async () => {
    let resolveExport: (value: JsonExport) => void = () => {};
    const exported = new Promise<JsonExport>((resolve) => (resolveExport = resolve));
    const collector = createServer(async (request, response) => {
      const text = await body(request);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (request.url === '/v1/metrics' && text.includes(SPAN_DURATION_METRIC))
        resolveExport(JSON.parse(text) as JsonExport);
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    // The OTLP exporters read their endpoint from process.env when they are made.
    const previous = process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/metrics`;
    const resource = resourceFromAttributes({
      'service.name': 'svc',
      'service.version': PACKAGE_VERSION,
      'deployment.environment.name': 'otlp-test',
    });
    const env = {
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '100',
    };
    const metrics = await createSpanMetrics({ serviceName: 'svc', resource, env });
    if (previous === undefined) delete process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT = previous;
    try {
      testTracer([metrics.processor]).tree(requestSpec());
      const [resourceMetrics] = (await exported).resourceMetrics;
      const attributes = Object.fromEntries(
        resourceMetrics!.resource.attributes.map((a) => [a.key, a.value.stringValue]),
      );
      assert.equal(attributes['deployment.environment.name'], 'otlp-test', 'the resource it was given');
      const [scope] = resourceMetrics!.scopeMetrics;
      assert.deepEqual(
        [scope!.scope.name, scope!.scope.version],
        [PACKAGE_NAME, PACKAGE_VERSION],
        'the meter is scoped by package name and version',
      );
      const histogram = scope!.metrics.find((m) => m.name === SPAN_DURATION_METRIC);
      assert.equal(histogram?.unit, 's', 'in seconds');
      assert.deepEqual(
        histogram?.histogram?.dataPoints[0]?.explicitBounds,
        [...SPAN_DURATION_BOUNDS_S],
        'with the same bounds as /metrics',
      );
    } finally {
      await metrics.shutdown();
      collector.close();
    }
  });
});
