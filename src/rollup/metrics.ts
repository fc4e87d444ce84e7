/**
 * The span durations as OpenTelemetry histogram metrics (and, when given, gauges of the metered
 * resources: resource-gauges.ts), for Prometheus (GET /metrics, text
 * exposition through @opentelemetry/exporter-prometheus) and, when OTEL_METRICS_EXPORTER
 * includes `otlp`, OTLP. Explicit bucket boundaries in milliseconds, geometric and 5% apart, so
 * that Prometheus's histogram_quantile() agrees with the span summary's quantiles to within one
 * bucket (histogram_quantile interpolates linearly inside the bucket holding the rank).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Histogram } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ResourceSource } from '../telemetry/resource-meter.ts';
import { registerResourceGauges } from './resource-gauges.ts';

/** Prometheus name of the span duration histogram (the OTel exporter adds no unit suffix itself). */
export const SPAN_DURATION_METRIC = 'amanuensis_span_duration_milliseconds';
/** Label carrying the span name. */
export const SPAN_NAME_LABEL = 'span_name';
/** Label value for spans beyond the name bound. */
export const OTHER_SPAN_NAME = '_other';
/** Ratio between consecutive bucket boundaries. */
export const BUCKET_RATIO = 1.05;

/** Geometric boundaries from 0.05 ms to at least 10 minutes, 5% apart, to 4 significant digits. */
export function spanDurationBoundaries(): number[] {
  const boundaries: number[] = [];
  for (let bound = 0.05; ; bound *= BUCKET_RATIO) {
    boundaries.push(Number(bound.toPrecision(4)));
    if (bound >= 600_000) return boundaries;
  }
}

export interface SpanMetricsOptions {
  /** service.name on the metrics resource. */
  serviceName: string;
  /** Distinct span_name label values; further names are recorded as `_other`. Default 256. */
  maxNames?: number;
  /** Environment to read OTEL_METRICS_EXPORTER and the OTLP settings from. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Shared resources to expose as gauges (utilization, in use, queued, capacity per resource name). */
  resources?: readonly ResourceSource[];
}

export interface SpanMetrics {
  /** Records every ended span's duration; register it beside the other span processors. */
  processor: SpanProcessor;
  /** Answers GET /metrics with the Prometheus text exposition. */
  handleMetrics(request: IncomingMessage, response: ServerResponse): void;
  /** Exports what is pending (OTLP) and stops. Idempotent; never rejects. */
  shutdown(): Promise<void>;
}

/** Builds the metrics pipeline: a MeterProvider with a Prometheus reader (no server of its own)
 *  and, when configured, a periodic OTLP reader. */
export async function createSpanMetrics(options: SpanMetricsOptions): Promise<SpanMetrics> {
  const env = options.env ?? process.env;
  const prometheus = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const readers: IMetricReader[] = [prometheus];
  const otlp = await otlpExporter(env);
  if (otlp) readers.push(new PeriodicExportingMetricReader({ exporter: otlp, exportIntervalMillis: exportIntervalMillis(env) }));
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': options.serviceName }), readers });
  const meter = provider.getMeter('amanuensis-otel.rollup');
  registerResourceGauges(meter, options.resources ?? []);
  const histogram = meter.createHistogram(SPAN_DURATION_METRIC, {
    unit: 'ms',
    description: 'Duration of ended spans, by span name',
    advice: { explicitBucketBoundaries: spanDurationBoundaries() },
  });
  const processor = new SpanMetricsProcessor(histogram, options.maxNames ?? 256);
  let stopped: Promise<void> | undefined;
  const shutdown = (): Promise<void> => (stopped ??= provider.shutdown().catch(() => {}));
  processor.onShutdown = shutdown;
  return {
    processor,
    handleMetrics: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown,
  };
}

/** Records span durations into the histogram, one cached attribute set per span name. */
class SpanMetricsProcessor implements SpanProcessor {
  readonly #histogram: Histogram;
  readonly #attributes = new Map<string, Attributes>();
  readonly #maxNames: number;
  readonly #other: Attributes = { [SPAN_NAME_LABEL]: OTHER_SPAN_NAME };
  onShutdown: () => Promise<void> = () => Promise.resolve();

  constructor(histogram: Histogram, maxNames: number) {
    this.#histogram = histogram;
    this.#maxNames = maxNames;
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    try {
      const durationMs = span.duration[0] * 1e3 + span.duration[1] / 1e6;
      if (!(durationMs >= 0)) return;
      this.#histogram.record(durationMs, this.#attributesFor(span.name));
    } catch {
      // A metrics failure must not break span.end() for the processors after this one.
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.onShutdown();
  }

  #attributesFor(name: string): Attributes {
    let attributes = this.#attributes.get(name);
    if (attributes === undefined) {
      if (this.#attributes.size >= this.#maxNames) return this.#other;
      attributes = { [SPAN_NAME_LABEL]: name };
      this.#attributes.set(name, attributes);
    }
    return attributes;
  }
}

function exportIntervalMillis(env: Record<string, string | undefined>): number {
  const value = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return Number.isFinite(value) && value > 0 ? value : 60_000;
}

/** The OTLP metric exporter for the configured protocol, or undefined unless OTEL_METRICS_EXPORTER includes otlp. */
async function otlpExporter(env: Record<string, string | undefined>): Promise<PushMetricExporter | undefined> {
  const kinds = (env.OTEL_METRICS_EXPORTER ?? '').split(',').map((kind) => kind.trim());
  if (!kinds.includes('otlp')) return undefined;
  const protocol = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter();
  if (protocol === 'grpc') return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter();
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
}
