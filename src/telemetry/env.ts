/**
 * The OTEL_* settings we read ourselves. NodeSDK given `spanProcessors` reads no OTEL_BSP_*, so the
 * exporting BatchSpanProcessor's sizes come from here; endpoint, headers and timeout are read by
 * the OTLP exporters themselves.
 */

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** BatchSpanProcessor settings from OTEL_BSP_*, with the specification's defaults. */
export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

type Env = Record<string, string | undefined>;

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    process.emitWarning(`${name}=${raw} is not a positive integer; using ${fallback}`);
    return fallback;
  }
  return value;
}

/** OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_EXPORT_TIMEOUT. */
export function batchSettings(env: Env = process.env): BatchSettings {
  const maxQueueSize = positiveInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048);
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(maxQueueSize, positiveInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512)),
    scheduledDelayMillis: positiveInt(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
    exportTimeoutMillis: positiveInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30000),
  };
}

/** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL; http/protobuf by default, as the SDK does. */
export function otlpProtocol(env: Env = process.env): OtlpProtocol {
  const raw = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim();
  if (raw === '' || raw === 'http/protobuf') return 'http/protobuf';
  if (raw === 'http/json' || raw === 'grpc') return raw;
  process.emitWarning(`unsupported OTLP protocol "${raw}"; using http/protobuf`);
  return 'http/protobuf';
}

/** A span exporter OTEL_TRACES_EXPORTER can name here. */
export type TracesExporterKind = 'otlp' | 'console';

/**
 * OTEL_TRACES_EXPORTER as the whole list the specification allows (`otlp,console`), deduplicated:
 * `otlp` when unset, empty for `none`. Unknown names (zipkin, typos) are skipped with a warning.
 */
export function tracesExporters(env: Env = process.env): TracesExporterKind[] {
  const names = [
    ...new Set(
      (env.OTEL_TRACES_EXPORTER ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== ''),
    ),
  ];
  if (names.length === 0) return ['otlp'];
  const kinds: TracesExporterKind[] = [];
  for (const name of names) {
    if (name === 'otlp' || name === 'console') kinds.push(name);
    else if (name !== 'none')
      process.emitWarning(`OTEL_TRACES_EXPORTER names an exporter this program does not have: "${name}"; ignored`);
  }
  return kinds;
}

/** A metric exporter OTEL_METRICS_EXPORTER can name here. */
export type MetricsExporterKind = 'otlp' | 'console' | 'prometheus';

/**
 * OTEL_METRICS_EXPORTER as the whole list (`otlp,console,prometheus`), deduplicated; empty for
 * `none`. Unset means `prometheus` alone, not the specification's `otlp`: the service serves GET
 * /metrics in any case, and a push to a collector that is usually absent (and that derives span
 * metrics of its own) should be asked for. Unknown names are skipped with a warning.
 */
export function metricsExporters(env: Env = process.env): MetricsExporterKind[] {
  const names = [
    ...new Set(
      (env.OTEL_METRICS_EXPORTER ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== ''),
    ),
  ];
  if (names.length === 0) return ['prometheus'];
  if (names.includes('none')) return [];
  const kinds: MetricsExporterKind[] = [];
  for (const name of names) {
    if (name === 'otlp' || name === 'console' || name === 'prometheus') kinds.push(name);
    else process.emitWarning(`OTEL_METRICS_EXPORTER names an exporter this program does not have: "${name}"; ignored`);
  }
  return kinds;
}

/**
 * The traces endpoint the OTLP exporter will send to, for probes and messages ("no collector at
 * ..."): OTLP/HTTP posts to `/v1/traces` under the base endpoint (default port 4318); gRPC
 * connects to the endpoint itself (default port 4317).
 */
export function otlpTracesUrl(env: Env = process.env): string {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  const grpc = otlpProtocol(env) === 'grpc';
  const base = (
    env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || (grpc ? 'http://localhost:4317' : 'http://localhost:4318')
  ).replace(/\/+$/, '');
  return grpc ? base : `${base}/v1/traces`;
}

/** OTEL_SDK_DISABLED=true turns all tracing off (stages become plain calls). */
export function sdkDisabled(env: Env = process.env): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}
