/**
 * Builds the trace exporters OTEL_TRACES_EXPORTER names, the OTLP one for the configured protocol.
 * The OTLP exporters read endpoint, headers, compression and timeout from OTEL_EXPORTER_OTLP_*
 * themselves.
 */
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { otlpProtocol, type TracesExporterKind, tracesExporters } from './env.ts';

/** The configured exporters, in the order named; none for OTEL_TRACES_EXPORTER=none. */
export function createTraceExporters(env: Record<string, string | undefined> = process.env): Promise<SpanExporter[]> {
  return Promise.all(tracesExporters(env).map((kind) => createTraceExporter(kind, env)));
}

async function createTraceExporter(
  kind: TracesExporterKind,
  env: Record<string, string | undefined>,
): Promise<SpanExporter> {
  if (kind === 'console') return new ConsoleSpanExporter();
  switch (otlpProtocol(env)) {
    case 'http/json': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter();
    }
    case 'grpc': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
      return new OTLPTraceExporter();
    }
    default: {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter();
    }
  }
}
