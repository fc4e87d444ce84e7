/**
 * A Collector-style YAML config (OpenTelemetry Collector or Jaeger v2) read into the parts the stack
 * tests check: component sections, enabled extensions and pipelines.
 */
import { asRecord, asStrings, componentType, readRepoYaml } from './files.ts';

export interface Pipeline {
  id: string;
  /** traces | metrics | logs, from the pipeline id (`traces/ingest` -> traces). */
  signal: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface CollectorConfig {
  file: string;
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  connectors: Record<string, unknown>;
  extensions: Record<string, unknown>;
  enabledExtensions: string[];
  pipelines: Pipeline[];
  telemetry: Record<string, unknown>;
}

/** Reads and splits one config file (path relative to the repository root). */
export function loadCollectorConfig(file: string): CollectorConfig {
  const root = asRecord(readRepoYaml(file));
  const service = asRecord(root.service);
  const pipelines = Object.entries(asRecord(service.pipelines)).map(([id, raw]) => {
    const pipeline = asRecord(raw);
    return {
      id,
      signal: componentType(id),
      receivers: asStrings(pipeline.receivers),
      processors: asStrings(pipeline.processors),
      exporters: asStrings(pipeline.exporters),
    };
  });
  return {
    file,
    receivers: asRecord(root.receivers),
    processors: asRecord(root.processors),
    exporters: asRecord(root.exporters),
    connectors: asRecord(root.connectors),
    extensions: asRecord(root.extensions),
    enabledExtensions: asStrings(service.extensions),
    pipelines,
    telemetry: asRecord(service.telemetry),
  };
}

/** The ids of all components of `type` in one section (`otlp_grpc` matches `otlp_grpc/jaeger`). */
export function idsOfType(section: Record<string, unknown>, type: string): string[] {
  return Object.keys(section).filter((id) => componentType(id) === type);
}

/** The one component of `type` in a section, or a thrown error saying how many there were. */
export function onlyOfType(
  config: CollectorConfig,
  section: 'receivers' | 'processors' | 'exporters' | 'connectors',
  type: string,
): Record<string, unknown> {
  const ids = idsOfType(config[section], type);
  if (ids.length !== 1) throw new Error(`${config.file} defines ${ids.length} ${section} of type ${type}, expected 1`);
  return asRecord(config[section][ids[0]!]);
}

/** A Go duration string ("250us", "1ms", "1.5s", "2m") in milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration this test understands`);
  const unitMs: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000 };
  return Number(match[1]) * unitMs[match[2]!]!;
}

/** The port of a `host:port` endpoint. */
export function endpointPort(endpoint: unknown): number {
  return Number(String(endpoint).split(':').pop());
}
