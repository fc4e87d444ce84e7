/**
 * Shared reading for the stack tests: the repository root, YAML parsing of the compose and collector
 * files, and the few shapes those tests look at.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/** The repository root (test/stack/ is two levels down). */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Reads a file relative to the repository root as UTF-8. */
export function readRepoText(relativePath: string): string {
  return readFileSync(join(repoRoot, relativePath), 'utf8');
}

/** Parses a YAML file relative to the repository root. */
export function readRepoYaml(relativePath: string): unknown {
  return parse(readRepoText(relativePath));
}

/** A plain object (YAML mapping), or an empty one for anything else, so lookups read naturally. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A list of strings, or an empty list for anything else. */
export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The Collector-style config files under collector/ (the collector tiers and the Jaeger v2 configs). */
export function collectorConfigFiles(): string[] {
  return readdirSync(join(repoRoot, 'collector'))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => `collector/${name}`);
}

/** The component type of a component id: `otlp_grpc/jaeger` -> `otlp_grpc`. */
export function componentType(id: string): string {
  return id.split('/')[0]!;
}

/** One docker compose service, reduced to the keys the tests read. */
export interface ComposeService {
  name: string;
  image: string | undefined;
  build: unknown;
  profiles: string[];
  healthcheck: Record<string, unknown> | undefined;
  dependsOn: Record<string, string>;
  environment: Record<string, string>;
  command: string[];
  volumes: string[];
  publishedPorts: number[];
  /** `user:` when set; the image's USER applies otherwise. */
  user: string | undefined;
}

/** The services of docker-compose.yml with depends_on normalised to `{ name: condition }`. */
export function composeServices(): ComposeService[] {
  const services = asRecord(asRecord(readRepoYaml('docker-compose.yml')).services);
  return Object.entries(services).map(([name, raw]) => {
    const service = asRecord(raw);
    const dependsOn: Record<string, string> = {};
    if (Array.isArray(service.depends_on)) {
      for (const dependency of asStrings(service.depends_on)) dependsOn[dependency] = 'service_started';
    } else {
      for (const [dependency, spec] of Object.entries(asRecord(service.depends_on))) {
        dependsOn[dependency] = String(asRecord(spec).condition ?? 'service_started');
      }
    }
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(asRecord(service.environment))) environment[key] = String(value);
    return {
      name,
      image: typeof service.image === 'string' ? service.image : undefined,
      build: service.build,
      profiles: asStrings(service.profiles),
      healthcheck: service.healthcheck === undefined ? undefined : asRecord(service.healthcheck),
      dependsOn,
      environment,
      command: Array.isArray(service.command) ? service.command.map(String) : [],
      volumes: asStrings(service.volumes),
      publishedPorts: publishedPorts(service.ports),
      user: service.user === undefined ? undefined : String(service.user),
    };
  });
}

/** Host ports from short-form port mappings ("16686:16686", "127.0.0.1:8080:8080"). */
function publishedPorts(ports: unknown): number[] {
  return asStrings(ports).map((mapping) => {
    const parts = mapping.split(':');
    if (parts.length < 2) throw new Error(`port mapping "${mapping}" publishes no fixed host port`);
    return Number(parts[parts.length - 2]);
  });
}

/** The service with this name, or a thrown error naming the services there are. */
export function composeService(services: ComposeService[], name: string): ComposeService {
  const found = services.find((service) => service.name === name);
  if (!found)
    throw new Error(`docker-compose.yml has no service "${name}" (has: ${services.map((s) => s.name).join(', ')})`);
  return found;
}

/** The top-level named volumes of docker-compose.yml. */
export function composeNamedVolumes(): string[] {
  return Object.keys(asRecord(asRecord(readRepoYaml('docker-compose.yml')).volumes));
}

/** A short-form volume entry split into source, target and mode ("./a:/b:ro", "name:/b"). */
export interface VolumeMount {
  source: string;
  target: string;
  readOnly: boolean;
  /** A host path (bind mount) rather than a named volume. */
  bind: boolean;
}

/** The volume entries of one service. */
export function volumeMounts(service: ComposeService): VolumeMount[] {
  return service.volumes.map((entry) => {
    const [source = '', target = '', mode = ''] = entry.split(':');
    return { source, target, readOnly: mode.split(',').includes('ro'), bind: /^[./~]/.test(source) };
  });
}
