/**
 * Starts OpenTelemetry for a process of ours: NodeSDK with the exporting (counting)
 * BatchSpanProcessor, the caller's extra span processors beside it, and instrumentation-http for
 * the SERVER span. Call it before anything imports `http`; see `startTelemetry`.
 */
import { createRequire } from 'node:module';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, ATTR_URL_QUERY } from '@opentelemetry/semantic-conventions';
import { EndWithRootProcessor } from './end-with-root.ts';
import { batchSettings, sdkDisabled } from './env.ts';
import { CountingBatchSpanProcessor, ExportAccounting } from './export-accounting.ts';
import { createTraceExporters } from './exporter.ts';
import { DEFAULT_DETAIL, type Detail } from './names.ts';
import { queryKeysOnly } from './redact.ts';
import { resourceDetectors } from './resource-detectors.ts';
import { boundedShutdown } from './shutdown.ts';
import { configureStages } from './stage.ts';
import { PACKAGE_VERSION } from './version.ts';

export interface TelemetryOptions {
  /** service.name unless OTEL_SERVICE_NAME says otherwise. */
  serviceName: string;
  /** Processors to run beside the exporting BatchSpanProcessor (e.g. the rollup processor). */
  spanProcessors?: SpanProcessor[];
  /** Register instrumentation-http for incoming requests (the service); off for clients. */
  instrumentHttpServer?: boolean;
  /** Stage detail level (default medium). */
  detail?: Detail;
  /** Request paths whose SERVER spans are not worth a trace (health checks, scrapes). */
  ignoredPaths?: readonly string[];
  /** The resource from `serviceResource`, when metrics must share it; detected here otherwise. */
  resource?: Resource;
}

export interface TelemetryHandle {
  /** False when OTEL_SDK_DISABLED=true: no spans at all, stages are plain calls. */
  enabled: boolean;
  /** Spans dropped (full queue) or lost in failed exports so far. */
  droppedSpans(): number;
  /** Flushes and shuts down within `timeoutMillis` (default 5000) even if the collector is down; never rejects. */
  shutdown(timeoutMillis?: number): Promise<void>;
}

const DEFAULT_SHUTDOWN_MILLIS = 5000;

/**
 * Longest attribute value a span keeps unless OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT or
 * OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT says otherwise. The SDK's own default is unlimited, so one
 * request with a huge header (user agent, route) could make every span of it huge in the queue
 * and at the collector.
 */
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 1024;

/** The span limits to give NodeSDK: ours only where the environment sets none (NodeSDK reads those itself). */
export function spanLimits(env: Record<string, string | undefined> = process.env): {
  attributeValueLengthLimit?: number;
} {
  const configured = [env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT].some(
    (value) => value !== undefined && value.trim() !== '',
  );
  return configured ? {} : { attributeValueLengthLimit: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT };
}

/**
 * The process's resource, as NodeSDK would compose it, detected once: the SDK defaults, our
 * service.version, the detectors (process.command_args redacted), then service.name unless
 * OTEL_SERVICE_NAME sets it. Traces and metrics given the same object describe the same process
 * (the serviceinstance detector makes a new id at each detection).
 */
export async function serviceResource(serviceName: string): Promise<Resource> {
  const { defaultResource, detectResources, resourceFromAttributes } = await import('@opentelemetry/resources');
  // The detected resource merges over the version, so OTEL_RESOURCE_ATTRIBUTES may still override it.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_VERSION]: PACKAGE_VERSION }))
    .merge(detectResources({ detectors: resourceDetectors() }));
  return process.env.OTEL_SERVICE_NAME
    ? resource
    : resource.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }));
}

/**
 * Starts the SDK. The returned promise resolves once spans can be made; modules that import
 * `http` must be loaded after it (dynamic import), so instrumentation-http can patch it.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<TelemetryHandle> {
  const detail = options.detail ?? DEFAULT_DETAIL;
  if (sdkDisabled()) {
    configureStages({ detail, enabled: false });
    return { enabled: false, droppedSpans: () => 0, shutdown: async () => {} };
  }
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const accounting = new ExportAccounting();
  const exporters = await createTraceExporters();
  // First, so a span it ends as its root ends reaches the other processors before that root does.
  const processors: SpanProcessor[] = [new EndWithRootProcessor(), ...(options.spanProcessors ?? [])];
  for (const exporter of exporters)
    processors.push(new CountingBatchSpanProcessor({ exporter, ...batchSettings() }, accounting));

  const instrumentations = [];
  if (options.instrumentHttpServer) {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const ignored = new Set(options.ignoredPaths ?? []);
    instrumentations.push(
      new HttpInstrumentation({
        disableOutgoingRequestInstrumentation: true,
        ignoreIncomingRequestHook: (request) => ignored.has((request.url ?? '').split('?')[0] ?? ''),
        // Replaces the instrumentation's url.query (which redacts only a few cloud signature
        // names): keys only, so `?api_key=…` never reaches a trace backend.
        startIncomingSpanHook: (request) => {
          const query = (request.url ?? '').split('?')[1];
          return query === undefined ? {} : { [ATTR_URL_QUERY]: queryKeysOnly(query) };
        },
      }),
    );
  }
  const sdk = new NodeSDK({
    spanProcessors: processors,
    spanLimits: spanLimits(),
    resource: options.resource ?? (await serviceResource(options.serviceName)),
    autoDetectResources: false,
    instrumentations,
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // ESM imports of node:http bypass require hooks; requiring it once lets instrumentation-http
  // patch the shared Server prototype before any server exists.
  if (options.instrumentHttpServer) createRequire(import.meta.url)('node:http');
  configureStages({ detail, enabled: true });
  return {
    enabled: true,
    droppedSpans: () => accounting.dropped(),
    shutdown: (timeoutMillis = DEFAULT_SHUTDOWN_MILLIS) => boundedShutdown(() => sdk.shutdown(), timeoutMillis),
  };
}
