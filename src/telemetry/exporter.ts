/**
 * Builds the trace exporter named by OTEL_TRACES_EXPORTER and the OTLP protocol variables. The
 * OTLP exporters read endpoint, headers, compression and timeout from OTEL_EXPORTER_OTLP_* themselves.
 */
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { otlpProtocol, tracesExporterKind } from './env.ts';

/** Returns the configured exporter, or undefined for OTEL_TRACES_EXPORTER=none. */
export async function createTraceExporter(env: Record<string, string | undefined> = process.env): Promise<SpanExporter | undefined> {
  const kind = tracesExporterKind(env);
  if (kind === 'none') return undefined;
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
