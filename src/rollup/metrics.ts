/**
 * Metrics for operations: span durations as the histogram `amanuensis_span_duration_seconds`
 * (38 series per span name: duration-buckets.ts), gauges of the metered resources
 * (resource-gauges.ts) and the count of spans that never reached the backend, on one
 * MeterProvider whose resource is the tracer provider's (so `target_info` carries
 * OTEL_RESOURCE_ATTRIBUTES and service.version, and replicas stay apart).
 *
 * GET /metrics is always served (scrape-endpoint.ts: OpenMetrics with trace exemplars when asked,
 * else the classic text format). OTEL_METRICS_EXPORTER adds push readers: `otlp` (the protocol of
 * OTEL_EXPORTER_OTLP_METRICS_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL) and `console`, every
 * OTEL_METRIC_EXPORT_INTERVAL ms; `prometheus` names the /metrics endpoint itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  type IMetricReader,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { metricsExporters } from '../telemetry/env.ts';
import type { ResourceSource } from '../telemetry/resource-meter.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../telemetry/version.ts';
import { durationBucket } from './duration-buckets.ts';
import { registerResourceGauges } from './resource-gauges.ts';
import { ScrapeReader, scrapeHandler } from './scrape-endpoint.ts';
import { type HistogramDescription, SpanDurationProducer } from './span-duration-producer.ts';
import { SPAN_NAME_LABEL, SpanDurationStore } from './span-duration-store.ts';
import { SpanMetricsProcessor } from './span-metrics-processor.ts';

export { SPAN_DURATION_BOUNDS_S } from './duration-buckets.ts';
export { OTHER_SPAN_NAME, SPAN_NAME_LABEL } from './span-duration-store.ts';

/** Prometheus name of the span duration histogram (seconds, the Prometheus base unit). */
export const SPAN_DURATION_METRIC = 'amanuensis_span_duration_seconds';
/** Prometheus name of the dropped-span counter (its samples end in `_total`). */
export const DROPPED_SPANS_METRIC = 'amanuensis_dropped_spans_total';

export interface SpanMetricsOptions {
  /** service.name on the metrics resource when no `resource` is given. */
  serviceName: string;
  /** The tracer provider's resource, so metrics and traces describe the same process. Default: service.name and service.version only. */
  resource?: Resource;
  /** Distinct span_name label values; further names are recorded as `_other`. Default 256. */
  maxNames?: number;
  /** Environment to read OTEL_METRICS_EXPORTER and the OTLP settings from. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Shared resources to expose as gauges (utilization, in use, queued, capacity per resource name). */
  resources?: readonly ResourceSource[];
  /** Spans dropped so far (full export queue, failed exports), exposed as a counter. */
  droppedSpans?: () => number;
  /** Further monotonic counters (e.g. a receiver's), read at each collection. */
  counters?: readonly CounterSource[];
}

/** A counter read from its owner: `name` without the `_total` the exposition adds. */
export interface CounterSource {
  name: string;
  description: string;
  read: () => number;
}

export interface SpanMetrics {
  /** Records every ended span's duration and exemplar; register it beside the other span processors. */
  processor: SpanProcessor;
  /** Records one span that did not pass through `processor` (e.g. one received over OTLP); a
   *  non-empty `traceId` makes it its bucket's exemplar. */
  recordSpan(name: string, seconds: number, traceId: string, spanId: string, endS: number): void;
  /** Answers GET /metrics: OpenMetrics with exemplars when the Accept header asks for it, else the classic text format. */
  handleMetrics(request: IncomingMessage, response: ServerResponse): void;
  /** Exports what is pending (push readers) and stops. Idempotent; never rejects. */
  shutdown(): Promise<void>;
}

/** Builds the metrics pipeline; see the module comment. */
export async function createSpanMetrics(options: SpanMetricsOptions): Promise<SpanMetrics> {
  const env = options.env ?? process.env;
  const store = new SpanDurationStore(options.maxNames ?? 256);
  const histogram: HistogramDescription = {
    name: SPAN_DURATION_METRIC,
    description: 'Duration of ended spans, by span name',
    scope: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
  };
  const scrape = new ScrapeReader({
    metricProducers: [new SpanDurationProducer(store, histogram, () => AggregationTemporality.CUMULATIVE)],
  });
  const readers: IMetricReader[] = [scrape];
  for (const kind of metricsExporters(env)) {
    // `prometheus` is the scrape reader above, which the service serves in any case.
    if (kind === 'prometheus') continue;
    const exporter = kind === 'otlp' ? await otlpExporter(env) : new ConsoleMetricExporter();
    const producer: SpanDurationProducer = new SpanDurationProducer(
      store,
      histogram,
      (): AggregationTemporality => reader.selectAggregationTemporality(InstrumentType.HISTOGRAM),
    );
    const reader: PeriodicExportingMetricReader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: exportIntervalMillis(env),
      metricProducers: [producer],
    });
    readers.push(reader);
  }
  const resource =
    options.resource ??
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: PACKAGE_VERSION });
  const provider = new MeterProvider({ resource, readers });
  const meter = provider.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  registerResourceGauges(meter, options.resources ?? []);
  const droppedSpans = options.droppedSpans;
  if (droppedSpans) {
    meter
      .createObservableCounter(DROPPED_SPANS_METRIC.replace(/_total$/, ''), {
        description: 'Spans that never reached the backend: the export queue was full or an export failed',
      })
      .addCallback((result) => result.observe(droppedSpans()));
  }
  for (const counter of options.counters ?? []) {
    meter
      .createObservableCounter(counter.name, { description: counter.description })
      .addCallback((result) => result.observe(counter.read()));
  }
  let stopped: Promise<void> | undefined;
  const shutdown = (): Promise<void> => (stopped ??= provider.shutdown().catch(() => {}));
  return {
    processor: new SpanMetricsProcessor(store, shutdown),
    recordSpan: (name, seconds, traceId, spanId, endS) => {
      const slot = store.slotFor(name);
      const bucket = durationBucket(seconds);
      store.count(slot, bucket, seconds);
      if (traceId !== '') store.exemplify(slot, bucket, seconds, traceId, spanId, endS);
    },
    handleMetrics: scrapeHandler(scrape, {
      metric: SPAN_DURATION_METRIC,
      label: SPAN_NAME_LABEL,
      exemplar: (value, bucket) => store.exemplar(value, bucket),
    }),
    shutdown,
  };
}

function exportIntervalMillis(env: Record<string, string | undefined>): number {
  const value = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return Number.isFinite(value) && value > 0 ? value : 60_000;
}

/** The OTLP metric exporter for the configured protocol; each reads its endpoint, headers and temporality from the environment itself. */
async function otlpExporter(env: Record<string, string | undefined>): Promise<PushMetricExporter> {
  const protocol = (env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim();
  if (protocol === 'http/json')
    return new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter();
  if (protocol === 'grpc') return new (await import('@opentelemetry/exporter-metrics-otlp-grpc')).OTLPMetricExporter();
  return new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter();
}
