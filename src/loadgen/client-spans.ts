/**
 * Client spans: each load request is a CLIENT span of its own trace whose context goes out as
 * `traceparent`, so the service's SERVER span (and everything under it) joins the load
 * generator's trace. Works against whatever tracer provider is registered; with none (or with
 * `--no-trace`) nothing is made or injected.
 */
import {
  type Attributes,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { LOADGEN_SERVICE_NAME } from '../telemetry/names.ts';
import { redactUrl } from '../telemetry/redact.ts';
import { PACKAGE_VERSION } from '../telemetry/version.ts';
import type { Outcome } from './http-client.ts';

const TRACER_NAME = LOADGEN_SERVICE_NAME;

/** Makes the client spans of a run (or nothing, when disabled). */
export class ClientSpans {
  readonly enabled: boolean;
  readonly #tracer: Tracer;

  constructor(enabled: boolean) {
    this.enabled = enabled;
    this.#tracer = trace.getTracer(TRACER_NAME, PACKAGE_VERSION);
  }

  /** Common http attributes of requests to `url`. */
  static httpAttributes(method: string, url: string): Attributes {
    const parsed = new URL(url);
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
    return {
      [ATTR_HTTP_REQUEST_METHOD]: method,
      [ATTR_URL_FULL]: redactUrl(url),
      [ATTR_SERVER_ADDRESS]: parsed.hostname,
      [ATTR_SERVER_PORT]: port,
    };
  }

  /** Starts a CLIENT span in a fresh trace and injects its context into `headers`. */
  start(name: string, attributes: Attributes, headers: Record<string, string>): Span | undefined {
    if (!this.enabled) return undefined;
    const span = this.#tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, ROOT_CONTEXT);
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
    return span;
  }

  /** The span's trace id; undefined without a span or when no SDK is registered (an all-zero id). */
  static traceId(span: Span | undefined): string | undefined {
    const spanContext = span?.spanContext();
    return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
  }

  /** Ends a span with the response status and, on failure, the error type. */
  static end(span: Span | undefined, outcome: Outcome): void {
    if (!span) return;
    if (outcome.status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
    if (!outcome.ok) {
      span.setAttribute(ATTR_ERROR_TYPE, outcome.failure ?? 'connection');
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.detail ?? '' });
    }
    span.end();
  }
}
