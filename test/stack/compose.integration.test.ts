import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  asRecord,
  type ComposeService,
  composeNamedVolumes,
  composeService,
  composeServices,
  readRepoText,
  readRepoYaml,
  repoRoot,
  volumeMounts,
} from './files.ts';

const execFileAsync = promisify(execFile);
const services = composeServices();

/** How a service's health is known: its own check, the Dockerfile's HEALTHCHECK, another service's probe, or not at all. */
function healthSource(service: ComposeService): 'own' | 'dockerfile' | 'probe' | 'none' {
  if (service.healthcheck && service.healthcheck.disable !== true) return 'own';
  if (service.healthcheck?.disable === true) return 'none';
  if (service.build !== undefined && /^HEALTHCHECK\s/m.test(readRepoText('Dockerfile'))) return 'dockerfile';
  const probed = services.some(
    (other) => other.healthcheck && JSON.stringify(other.healthcheck.test ?? '').includes(`//${service.name}:`),
  );
  return probed ? 'probe' : 'none';
}

/** Every service `name` waits for, directly or through its dependencies. */
function transitiveDependencies(name: string, seen = new Set<string>()): Set<string> {
  for (const dependency of Object.keys(composeService(services, name).dependsOn)) {
    if (!seen.has(dependency)) {
      seen.add(dependency);
      transitiveDependencies(dependency, seen);
    }
  }
  return seen;
}

/** `host:container[:mode]` volume entries as pairs. */
function mounts(service: ComposeService): Array<{ host: string; container: string }> {
  return service.volumes.map((volume) => {
    const [host = '', container = ''] = volume.split(':');
    return { host, container };
  });
}

/** The port table under "## Published ports" in docs/stack.md: port -> compose service. */
function documentedPorts(markdown: string): Map<number, string> {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Published ports'));
  assert.ok(section, 'docs/stack.md has a "## Published ports" section');
  const ports = new Map<number, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim().replaceAll('`', ''));
    const port = Number(cells[1]);
    if (line.startsWith('|') && Number.isInteger(port) && port > 0) ports.set(port, cells[2] ?? '');
  }
  return ports;
}

describe('docker-compose.yml', () => {
  it('is accepted by the compose parser (docker-compose config -q)', async (t) => {
    try {
      await execFileAsync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: repoRoot });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        t.skip('docker-compose is not installed (Debian package docker-compose); the YAML checks below still run');
        return;
      }
      assert.fail(
        `docker-compose config -q rejected docker-compose.yml: ${(error as { stderr?: string }).stderr ?? error}`,
      );
    }
  });

  it('is accepted with the scale-out profile too (docker-compose --profile scale-out config -q)', async (t) => {
    try {
      await execFileAsync('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'scale-out', 'config', '-q'], {
        cwd: repoRoot,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        t.skip('docker-compose is not installed (Debian package docker-compose); the YAML checks below still run');
        return;
      }
      assert.fail(
        `docker-compose --profile scale-out config -q rejected docker-compose.yml: ${(error as { stderr?: string }).stderr ?? error}`,
      );
    }
  });

  it('pins every image to a version tag, never latest', () => {
    for (const service of services) {
      assert.ok(service.image, `${service.name} names an image (for a build, the tag given to the built image)`);
      const match = /^[^:@]+:(?<tag>[\w.-]+)(@sha256:[0-9a-f]{64})?$/.exec(service.image);
      assert.ok(match?.groups, `${service.name}: image "${service.image}" carries an explicit tag`);
      assert.notEqual(match.groups.tag, 'latest', `${service.name}: image "${service.image}" is not :latest`);
      assert.match(match.groups.tag!, /\d/, `${service.name}: tag of "${service.image}" names a version`);
    }
  });

  it('builds the service and the load generator from this repository', () => {
    for (const name of ['service', 'loadgen']) {
      const { build } = composeService(services, name);
      assert.equal(build, '.', `${name} is built from the repository's Dockerfile`);
    }
    assert.ok(existsSync(join(repoRoot, 'Dockerfile')), 'the Dockerfile the builds use exists');
  });

  it('knows the health of every long-running service', () => {
    for (const service of services) {
      if (service.healthcheck?.disable === true) continue; // one-shot jobs: they run and exit
      assert.notEqual(
        healthSource(service),
        'none',
        `${service.name} has a health check, a Dockerfile HEALTHCHECK or a probing sidecar`,
      );
      if (healthSource(service) === 'own') {
        assert.ok(service.healthcheck?.test, `${service.name}'s health check has a test command`);
      }
    }
  });

  it('waits for healthy dependencies wherever health is known', () => {
    for (const service of services) {
      for (const [dependency, condition] of Object.entries(service.dependsOn)) {
        const target = composeService(services, dependency);
        const source = healthSource(target);
        const expected = source === 'own' || source === 'dockerfile' ? 'service_healthy' : 'service_started';
        assert.equal(condition, expected, `${service.name} -> ${dependency} waits with condition ${expected}`);
      }
    }
  });

  it('starts the service only after Prometheus, Jaeger and the collector are ready', () => {
    const waitsFor = transitiveDependencies('service');
    for (const name of ['prometheus', 'jaeger', 'collector', 'collector-health']) {
      assert.ok(
        waitsFor.has(name),
        `service waits (transitively) for ${name}; it waits for: ${[...waitsFor].join(', ')}`,
      );
    }
    assert.ok(transitiveDependencies('loadgen').has('service'), 'the load generator waits for the service');
  });

  it('sends the OTLP of the service and the load generator to the collector', () => {
    const collectors = services.filter(
      (service) => service.profiles.length === 0 && service.image?.startsWith('otel/opentelemetry-collector-contrib:'),
    );
    assert.equal(collectors.length, 1, 'one collector service of the default stack runs the contrib image');
    const receiver = asRecord(asRecord(asRecord(readRepoYaml('collector/collector.yaml')).receivers).otlp);
    const httpEndpoint = String(asRecord(asRecord(receiver.protocols).http).endpoint);
    const httpPort = httpEndpoint.split(':').pop();
    for (const name of ['service', 'loadgen']) {
      const env = composeService(services, name).environment;
      assert.ok(env.OTEL_EXPORTER_OTLP_ENDPOINT, `${name} sets OTEL_EXPORTER_OTLP_ENDPOINT`);
      const url = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT);
      assert.equal(url.hostname, collectors[0]!.name, `${name} exports to the collector service`);
      assert.equal(url.port, httpPort, `${name} uses the collector's OTLP/HTTP port ${httpPort}`);
      assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf', `${name} speaks OTLP/HTTP protobuf to that port`);
    }
  });

  it('mounts every config file a container is told to read from this repository', () => {
    const jaegerUiConfig = String(
      asRecord(asRecord(asRecord(asRecord(readRepoYaml('collector/jaeger.yaml')).extensions).jaeger_query).ui)
        .config_file,
    );
    for (const service of services) {
      const wanted = service.command.flatMap((arg) => /(?:^|=)(\/etc\/\S+)$/.exec(arg)?.slice(1) ?? []);
      if (service.name === 'jaeger') wanted.push(jaegerUiConfig);
      for (const path of wanted) {
        const mount = mounts(service).find((entry) => entry.container === path);
        assert.ok(mount, `${service.name} mounts ${path}`);
        assert.ok(existsSync(join(repoRoot, mount.host)), `${service.name}: ${mount.host} exists in the repository`);
      }
    }
  });

  it('writes span summaries and load results to the named volume `results`, shared by both', () => {
    const service = composeService(services, 'service');
    const summaryOut = service.command[service.command.indexOf('--summary-out') + 1];
    assert.ok(summaryOut?.startsWith('/'), 'the service is started with --summary-out <absolute path>');
    const loadgen = composeService(services, 'loadgen');
    const loadOut = loadgen.command[loadgen.command.indexOf('--out') + 1];
    assert.ok(composeNamedVolumes().includes('results'), 'docker-compose.yml declares the named volume results');
    for (const [owner, path] of [
      [service, summaryOut],
      [loadgen, loadOut],
    ] as const) {
      const mount = volumeMounts(owner).find((entry) => path?.startsWith(`${entry.target}/`));
      assert.ok(mount, `${owner.name} mounts a volume where it writes ${path}`);
      assert.equal(
        mount.bind,
        false,
        `${owner.name} writes ${path} to a named volume, not a host directory that may not exist or be writable`,
      );
      assert.equal(mount.source, 'results', `${owner.name} writes ${path} into the volume results`);
      assert.equal(mount.readOnly, false, `${owner.name} mounts results read-write`);
    }
  });

  it("can write the results volume as the image's user, with nothing prepared on the host", () => {
    // A new named volume is filled from the image's directory at the mount point, owner and mode
    // included; so the image must have /results owned by the user the containers run as.
    const dockerfile = readRepoText('Dockerfile');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const imageUser = [...finalStage.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1]?.split(':')[0];
    assert.ok(imageUser, 'the final stage sets USER');
    const chown = /^RUN\s.*\bmkdir\s+(?:-p\s+)?\/results\b.*\bchown\s+(\S+?)(?::\S+)?\s+\/results\b/m.exec(finalStage);
    assert.ok(chown, 'the final stage creates /results and chowns it');
    assert.equal(chown[1], imageUser, `/results belongs to the image's USER ${imageUser}`);
    assert.ok(finalStage.indexOf(chown[0]) < finalStage.search(/^USER\s/m), 'the chown runs as root, before USER');
    for (const name of ['service', 'loadgen']) {
      assert.equal(
        composeService(services, name).user,
        undefined,
        `${name} runs as the image's user (a user: override would not own the volume)`,
      );
    }
  });

  it('mounts only repository files that a fresh clone has', async () => {
    const { stdout } = await execFileAsync('git', ['ls-files'], { cwd: repoRoot });
    const tracked = stdout.split('\n').filter(Boolean);
    for (const service of services) {
      for (const mount of volumeMounts(service).filter((entry) => entry.bind)) {
        const path = mount.source.replace(/^\.\//, '').replace(/\/$/, '');
        const present = tracked.some((file) => file === path || file.startsWith(`${path}/`));
        assert.ok(
          present,
          `${service.name} mounts ${mount.source}, which git tracks (a missing host path is created by the engine, owned by root)`,
        );
        assert.ok(mount.readOnly, `${service.name} mounts ${mount.source} read-only: containers write only to volumes`);
      }
    }
  });

  it('needs no environment variable set on the host', () => {
    const text = readRepoText('docker-compose.yml');
    for (const match of text.matchAll(/\$\{?([A-Za-z_]\w*)([^}\s]*)\}?/g)) {
      assert.match(
        match[2] ?? '',
        /^:?-/,
        `\${${match[1]}} has a default, so \`docker compose up\` works without setting it`,
      );
    }
  });
});

describe('docs/stack.md against docker-compose.yml', () => {
  const markdown = readRepoText('docs/stack.md');
  const published = new Map(
    services.flatMap((service) => service.publishedPorts.map((port) => [port, service.name] as const)),
  );

  it('lists exactly the published ports, each with the service publishing it', () => {
    const documented = documentedPorts(markdown);
    assert.deepEqual([...documented.keys()].sort(), [...published.keys()].sort(), 'documented ports = published ports');
    for (const [port, name] of documented)
      assert.equal(name, published.get(port), `port ${port} belongs to ${published.get(port)}`);
  });

  it('links only to published ports', () => {
    for (const match of markdown.matchAll(/localhost:(\d+)/g)) {
      assert.ok(published.has(Number(match[1])), `${match[0]} in docs/stack.md is a published port`);
    }
  });

  it('names the image versions the compose file pins', () => {
    for (const service of services.filter((s) => s.build === undefined)) {
      assert.ok(markdown.includes(service.image!), `docs/stack.md mentions ${service.image}`);
    }
  });

  it('runs compose commands only against services that exist', () => {
    const names = new Set(services.map((service) => service.name));
    const commands = markdown.matchAll(
      /docker compose (?:--profile [\w-]+ )?(?:run --rm(?: --no-deps)?|logs(?: -f)?|exec|restart|up -d) ([a-z][\w-]*)/g,
    );
    for (const match of commands) assert.ok(names.has(match[1]!), `"${match[0]}" names a compose service`);
  });
});
