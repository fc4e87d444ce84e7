import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idsOfType, loadCollectorConfig, onlyOfType } from './collector-config.ts';
import { asRecord, asStrings, collectorConfigFiles, componentType } from './files.ts';

const configs = collectorConfigFiles().map(loadCollectorConfig);

/** Which pipeline signal a connector takes (as an exporter) and gives (as a receiver). */
const CONNECTOR_SIGNALS: Record<string, { from: string; to: string }> = {
  span_metrics: { from: 'traces', to: 'metrics' },
  forward: { from: 'same', to: 'same' },
};

/** Old component names that still load but log a deprecation warning on every start. */
const DEPRECATED: Record<string, string> = {
  'exporters:otlp': 'otlp_grpc',
  'exporters:otlphttp': 'otlp_http',
  'exporters:loadbalancing': 'load_balancing',
  'connectors:spanmetrics': 'span_metrics',
};

/** Extensions that serve HTTP to other containers, and where their listen addresses live. */
const SERVING_EXTENSIONS: Record<string, string[][]> = {
  health_check: [['endpoint']],
  healthcheckv2: [['http', 'endpoint']],
  jaeger_query: [['http', 'endpoint']],
};

function dig(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => asRecord(node)[key], value);
}

function assertListensOnAllInterfaces(where: string, endpoint: unknown): void {
  assert.equal(
    typeof endpoint,
    'string',
    `${where} sets an endpoint (the default is localhost, unreachable from other containers)`,
  );
  assert.match(String(endpoint), /^0\.0\.0\.0:\d+$/, `${where} listens on 0.0.0.0`);
}

describe('collector/ configs', () => {
  it('holds the single-node collector, the collect balancer, the scale-out pair and the Jaeger configs', () => {
    const files = configs.map((config) => config.file);
    for (const expected of [
      'collector/collector.yaml',
      'collector/balancer.yaml',
      'collector/agent.yaml',
      'collector/gateway.yaml',
      'collector/jaeger.yaml',
      'collector/jaeger-production.yaml',
    ]) {
      assert.ok(files.includes(expected), `${expected} exists`);
    }
  });

  for (const config of configs) {
    describe(config.file, () => {
      it('names only components it defines in each pipeline', () => {
        assert.ok(config.pipelines.length > 0, 'has pipelines');
        for (const pipeline of config.pipelines) {
          assert.ok(
            pipeline.receivers.length > 0 && pipeline.exporters.length > 0,
            `${pipeline.id} has receivers and exporters`,
          );
          for (const id of pipeline.receivers)
            assert.ok(id in config.receivers || id in config.connectors, `${pipeline.id}: receiver ${id} is defined`);
          for (const id of pipeline.processors)
            assert.ok(id in config.processors, `${pipeline.id}: processor ${id} is defined`);
          for (const id of pipeline.exporters)
            assert.ok(id in config.exporters || id in config.connectors, `${pipeline.id}: exporter ${id} is defined`);
        }
        for (const id of config.enabledExtensions) assert.ok(id in config.extensions, `extension ${id} is defined`);
      });

      it('defines no component that no pipeline uses', () => {
        const used = new Set(config.pipelines.flatMap((p) => [...p.receivers, ...p.processors, ...p.exporters]));
        for (const section of [config.receivers, config.processors, config.exporters, config.connectors]) {
          for (const id of Object.keys(section)) assert.ok(used.has(id), `${id} is used by a pipeline`);
        }
        for (const id of Object.keys(config.extensions))
          assert.ok(config.enabledExtensions.includes(id), `extension ${id} is enabled`);
      });

      it('wires each connector out of one pipeline and into another of the right signal', () => {
        for (const id of Object.keys(config.connectors)) {
          const rule = CONNECTOR_SIGNALS[componentType(id)];
          assert.ok(rule, `connector type ${componentType(id)} is one this test knows`);
          const from = config.pipelines.filter((p) => p.exporters.includes(id));
          const into = config.pipelines.filter((p) => p.receivers.includes(id));
          assert.ok(from.length > 0, `${id} is an exporter in some pipeline`);
          assert.ok(into.length > 0, `${id} is a receiver in some pipeline`);
          for (const p of from) assert.ok(!into.includes(p), `${id} does not loop back into ${p.id}`);
          for (const p of from)
            assert.ok(rule.from === 'same' || p.signal === rule.from, `${id} consumes ${rule.from} (from ${p.id})`);
          for (const p of into) {
            const expected: string = rule.to === 'same' ? from[0]!.signal : rule.to;
            assert.equal(p.signal, expected, `${id} feeds ${expected} pipelines (into ${p.id})`);
          }
        }
      });

      it('puts memory_limiter first in every pipeline', () => {
        for (const pipeline of config.pipelines) {
          assert.equal(
            componentType(pipeline.processors[0] ?? '(none)'),
            'memory_limiter',
            `${pipeline.id} starts with memory_limiter`,
          );
        }
      });

      it('listens on 0.0.0.0 in every receiver and serving extension', () => {
        for (const [id, raw] of Object.entries(config.receivers)) {
          const protocols = asRecord(asRecord(raw).protocols);
          const names = Object.keys(protocols);
          if (names.length === 0) assertListensOnAllInterfaces(`receiver ${id}`, asRecord(raw).endpoint);
          for (const name of names)
            assertListensOnAllInterfaces(`receiver ${id} (${name})`, asRecord(protocols[name]).endpoint);
        }
        for (const [id, raw] of Object.entries(config.extensions)) {
          for (const path of SERVING_EXTENSIONS[componentType(id)] ?? [])
            assertListensOnAllInterfaces(`extension ${id}`, dig(raw, path));
        }
        const readers = dig(config.telemetry, ['metrics', 'readers']);
        for (const reader of Array.isArray(readers) ? readers : []) {
          assert.equal(
            dig(reader, ['pull', 'exporter', 'prometheus', 'host']),
            '0.0.0.0',
            'internal metrics are scrapeable from Prometheus',
          );
        }
      });

      it('uses current component names, not deprecated aliases', () => {
        for (const section of ['exporters', 'connectors'] as const) {
          for (const id of Object.keys(config[section])) {
            const replacement = DEPRECATED[`${section}:${componentType(id)}`];
            assert.equal(replacement, undefined, `${section} ${id}: use ${replacement} instead`);
          }
        }
      });

      it('carries span-metric exemplars (trace ids) through to the Prometheus exposition', () => {
        const connectors = idsOfType(config.connectors, 'span_metrics');
        const exporters = idsOfType(config.exporters, 'prometheus');
        for (const id of connectors) {
          const exemplars = asRecord(asRecord(config.connectors[id]).exemplars);
          assert.equal(exemplars.enabled, true, `${id} attaches exemplars to its duration histogram`);
          const max = exemplars.max_per_data_point;
          assert.ok(
            max === undefined || (Number.isInteger(max) && Number(max) > 0),
            `${id}: max_per_data_point is a positive integer when set`,
          );
        }
        for (const id of exporters) {
          assert.equal(
            asRecord(config.exporters[id]).enable_open_metrics,
            true,
            `${id} serves OpenMetrics, the only text exposition with exemplars`,
          );
        }
      });

      it('batches before every OTLP export', () => {
        for (const pipeline of config.pipelines) {
          const batchProcessor = pipeline.processors.some((id) => componentType(id) === 'batch');
          for (const id of pipeline.exporters.filter((e) => e in config.exporters)) {
            const type = componentType(id);
            const exporter = asRecord(config.exporters[id]);
            const queue =
              type === 'load_balancing' ? dig(exporter, ['protocol', 'otlp', 'sending_queue']) : exporter.sending_queue;
            if (type === 'otlp_grpc' || type === 'otlp_http' || type === 'load_balancing') {
              assert.ok(
                batchProcessor || dig(queue, ['batch']) !== undefined,
                `${pipeline.id} -> ${id} batches (sending_queue.batch or a batch processor)`,
              );
            }
          }
        }
      });
    });
  }
});

describe('collector/agent.yaml (scale-out tier 1)', () => {
  const agent = configs.find((config) => config.file === 'collector/agent.yaml')!;

  it('load-balances every trace by trace id onto the resolved gateways', () => {
    const balancer = onlyOfType(agent, 'exporters', 'load_balancing');
    assert.equal(balancer.routing_key, 'traceID', 'routing_key keeps all spans of a trace on one gateway');
    assert.ok(dig(balancer, ['protocol', 'otlp']) !== undefined, 'exports OTLP to the gateways');
    const resolver = asRecord(balancer.resolver);
    const kinds = Object.keys(resolver).filter((kind) => ['dns', 'static', 'k8s', 'aws_cloud_map'].includes(kind));
    assert.equal(kinds.length, 1, 'one resolver finds the gateways');
    if (kinds[0] === 'dns') assert.ok(asRecord(resolver.dns).hostname, 'the dns resolver names the gateways hostname');
    for (const pipeline of agent.pipelines.filter((p) => p.signal === 'traces')) {
      assert.deepEqual(
        pipeline.exporters.map(componentType),
        ['load_balancing'],
        `${pipeline.id} sends traces only through the balancer`,
      );
      assert.ok(
        !pipeline.processors.some((id) => componentType(id) === 'tail_sampling'),
        'agents do not sample: they see partial traces',
      );
    }
  });
});

describe('collector/gateway.yaml (scale-out tier 2)', () => {
  const gateway = configs.find((config) => config.file === 'collector/gateway.yaml')!;
  const sampler = onlyOfType(gateway, 'processors', 'tail_sampling');
  const policies = Array.isArray(sampler.policies) ? sampler.policies.map(asRecord) : [];

  it('keeps every failed trace', () => {
    const errors = policies.find((policy) => policy.type === 'status_code');
    assert.ok(errors, 'has a status_code policy');
    assert.deepEqual(
      asStrings(dig(errors, ['status_code', 'status_codes'])),
      ['ERROR'],
      'the status_code policy samples ERROR traces',
    );
  });

  it('keeps every slow trace', () => {
    const slow = policies.find((policy) => policy.type === 'latency');
    assert.ok(slow, 'has a latency policy');
    assert.ok(Number(dig(slow, ['latency', 'threshold_ms'])) > 0, 'the latency policy has a positive threshold_ms');
  });

  it('keeps a probabilistic sample of the rest', () => {
    const rest = policies.find((policy) => policy.type === 'probabilistic');
    assert.ok(rest, 'has a probabilistic policy');
    const percentage = Number(dig(rest, ['probabilistic', 'sampling_percentage']));
    assert.ok(percentage > 0 && percentage < 100, `samples a fraction of the rest (${percentage} %)`);
    assert.ok(sampler.decision_wait, 'sets decision_wait explicitly');
  });

  it('computes span metrics from every span, before sampling', () => {
    const metricsId = idsOfType(gateway.connectors, 'span_metrics')[0];
    assert.ok(metricsId, 'defines a span_metrics connector');
    const feeding = gateway.pipelines.filter((p) => p.exporters.includes(metricsId));
    const sampling = gateway.pipelines.filter((p) => p.processors.some((id) => componentType(id) === 'tail_sampling'));
    assert.equal(sampling.length, 1, 'one pipeline samples');
    for (const pipeline of feeding)
      assert.ok(!sampling.includes(pipeline), `${pipeline.id} feeds span metrics without sampling`);
    for (const connector of sampling[0]!.receivers) {
      assert.ok(
        feeding.some((p) => p.exporters.includes(connector)),
        `the sampling pipeline takes ${connector} from the pipeline that feeds span metrics`,
      );
    }
  });
});
