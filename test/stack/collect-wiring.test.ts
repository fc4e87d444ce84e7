import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CollectorConfig, endpointPort, loadCollectorConfig, onlyOfType } from './collector-config.ts';
import { asRecord, asStrings, type ComposeService, composeService, composeServices, volumeMounts } from './files.ts';

/**
 * `amanuensis collect` in the compose stack: the collector sends every span to Jaeger and to
 * collect; in the `scale-out` profile a balancing Collector routes each trace by its id to one of
 * several collect instances. These files must agree with each other and with collect's options;
 * no single component's validation checks that.
 */
const services = composeServices();
const collector = loadCollectorConfig('collector/collector.yaml');
const balancer = loadCollectorConfig('collector/balancer.yaml');
const jaeger = loadCollectorConfig('collector/jaeger.yaml');
const jaegerGrpcPort = endpointPort(asRecord(asRecord(asRecord(jaeger.receivers.otlp).protocols).grpc).endpoint);

/** collect's defaults (src/cli/collect.ts), for an option a command leaves out. */
const COLLECT_DEFAULTS: Record<string, string> = { '--host': '127.0.0.1', '--port': '4318', '--grpc-port': '4317' };

function option(service: ComposeService, flag: string): string | undefined {
  const at = service.command.indexOf(flag);
  return at >= 0 ? service.command[at + 1] : COLLECT_DEFAULTS[flag];
}

const collects = services.filter((service) => service.command[0] === 'collect');

/** The compose service that runs `name` (a host name inside the compose network) as collect. */
function collectService(host: string): ComposeService {
  const service = composeService(services, host);
  assert.equal(service.command[0], 'collect', `${host} runs amanuensis collect`);
  return service;
}

/** The compose service that mounts a collector config file. */
function serviceLoading(file: string): ComposeService {
  const found = services.filter((s) => volumeMounts(s).some((m) => m.source === `./${file}`));
  assert.equal(found.length, 1, `one compose service loads ${file}`);
  return found[0]!;
}

function exportersOf(config: CollectorConfig, pipelineId: string): string[] {
  const pipeline = config.pipelines.find((p) => p.id === pipelineId);
  assert.ok(pipeline, `${config.file} has a ${pipelineId} pipeline`);
  return pipeline.exporters;
}

describe('collect in the compose stack', () => {
  it('runs collect from the service image, on all interfaces, with its own /health check', () => {
    const image = composeService(services, 'service').image;
    assert.ok(collects.length >= 3, `the default collect and the scale-out instances (${collects.length})`);
    for (const service of collects) {
      assert.equal(service.image, image, `${service.name} runs the service's image`);
      assert.equal(service.build, '.', `${service.name} is built from the repository`);
      assert.equal(option(service, '--host'), '0.0.0.0', `${service.name} listens beyond loopback`);
      const test = JSON.stringify(service.healthcheck?.test ?? '');
      assert.ok(
        test.includes(`:${option(service, '--port')}/health`),
        `${service.name} probes /health on its --port (${test})`,
      );
    }
  });

  it('writes each instance summary to its own file in the results volume', () => {
    const paths = collects.map((service) => option(service, '--summary-out') ?? '');
    assert.equal(new Set(paths).size, paths.length, `every instance writes its own file (${paths.join(', ')})`);
    for (const [i, service] of collects.entries()) {
      const mount = volumeMounts(service).find((m) => paths[i]!.startsWith(`${m.target}/`));
      assert.equal(mount?.source, 'results', `${service.name} writes ${paths[i]} into the volume results`);
    }
  });

  it('gets every span from the collector, beside Jaeger', () => {
    const exporters = exportersOf(collector, 'traces');
    const toCollect = exporters.filter((id) => id.startsWith('otlp_http'));
    assert.equal(toCollect.length, 1, 'the traces pipeline exports over OTLP/HTTP once');
    const url = new URL(String(asRecord(collector.exporters[toCollect[0]!]).endpoint));
    const collect = collectService(url.hostname);
    assert.equal(url.port, option(collect, '--port'), `${url.href} is collect's OTLP/HTTP port`);
    assert.ok(
      exporters.some((id) => id.startsWith('otlp_grpc')),
      'the same pipeline still exports every span to Jaeger',
    );
    assert.equal(
      composeService(services, 'collector').dependsOn[collect.name],
      'service_healthy',
      'the collector starts once collect answers',
    );
  });
});

describe('the scale-out profile', () => {
  const lb = onlyOfType(balancer, 'exporters', 'load_balancing');
  const hostnames = asStrings(asRecord(asRecord(lb.resolver).static).hostnames);

  it('runs the balancer, its collect instances and their traffic only in the profile', () => {
    const balancerService = serviceLoading('collector/balancer.yaml');
    for (const name of [balancerService.name, ...hostnames.map((h) => h.split(':')[0]!)])
      assert.deepEqual(composeService(services, name).profiles, ['scale-out'], `${name} is in the scale-out profile`);
  });

  it('routes every trace by its id to one of two or more collect instances, over their gRPC port', () => {
    assert.equal(lb.routing_key, 'traceID', 'routing_key keeps each trace whole on one instance');
    assert.ok(asRecord(lb.protocol).otlp !== undefined, 'the load_balancing exporter speaks OTLP/gRPC');
    assert.ok(hostnames.length >= 2, `the static resolver lists two or more instances (${hostnames.join(', ')})`);
    for (const hostname of hostnames) {
      const [host = '', port = ''] = hostname.split(':');
      assert.equal(port, option(collectService(host), '--grpc-port'), `${hostname} is ${host}'s --grpc-port`);
    }
    assert.deepEqual(
      exportersOf(balancer, 'traces').filter((id) => id.startsWith('load_balancing')),
      ['load_balancing'],
      'the traces pipeline sends through the balancer',
    );
  });

  it('sends every span to Jaeger as well', () => {
    const id = exportersOf(balancer, 'traces').find((e) => e.startsWith('otlp_grpc'));
    assert.ok(id, 'the traces pipeline exports over OTLP/gRPC beside the balancer');
    const [host = '', port = ''] = String(asRecord(balancer.exporters[id]).endpoint).split(':');
    composeService(services, host);
    assert.equal(Number(port), jaegerGrpcPort, "to Jaeger's OTLP/gRPC receiver");
  });

  it("feeds the balancer from a service replica and the load generator's client spans", () => {
    const balancerService = serviceLoading('collector/balancer.yaml');
    const httpPort = endpointPort(asRecord(asRecord(asRecord(balancer.receivers.otlp).protocols).http).endpoint);
    const senders = services.filter((s) =>
      s.environment.OTEL_EXPORTER_OTLP_ENDPOINT?.includes(`//${balancerService.name}:`),
    );
    const roles = senders.map((s) => s.command[0]).sort();
    assert.deepEqual(roles, ['load', 'serve'], 'a serve and a load export to the balancer');
    for (const sender of senders) {
      const url = new URL(sender.environment.OTEL_EXPORTER_OTLP_ENDPOINT!);
      assert.equal(Number(url.port), httpPort, `${sender.name} uses the balancer's OTLP/HTTP port`);
      assert.equal(sender.environment.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf', `${sender.name} speaks protobuf`);
    }
    const load = senders.find((s) => s.command[0] === 'load')!;
    const target = new URL(load.command[load.command.indexOf('--url') + 1]!);
    assert.equal(
      senders.find((s) => s.command[0] === 'serve')?.name,
      target.hostname,
      'the load generator drives the replica whose spans go to the balancer',
    );
  });
});
