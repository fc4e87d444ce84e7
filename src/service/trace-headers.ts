/**
 * The W3C `traceresponse` header: the trace a response belongs to, so a client (or the load
 * generator) can open it in Jaeger.
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** `00-<trace-id>-<span-id>-<flags>` of the active (SERVER) span, or undefined without one. */
export function traceResponseHeader(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context || !isSpanContextValid(context)) return undefined;
  return `00-${context.traceId}-${context.spanId}-${context.traceFlags.toString(16).padStart(2, '0')}`;
}
