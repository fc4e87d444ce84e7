/**
 * A traced application in its own process, for `collect` tests: it makes N requests' span trees
 * with planted durations and exports each span as it ends with the SDK's own OTLP exporter
 * (SimpleSpanProcessor, so children leave before their parents, each in its own export), while
 * a RollupSpanProcessor beside it rolls up the same spans in process. At the end it prints that
 * in-process summary as one JSON line: what the receiver must reproduce.
 *
 * argv: --url URL --protocol proto|json|grpc --requests N
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  context,
  type HrTime,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { SimpleSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';

const { values } = parseArgs({
  options: { url: { type: 'string' }, protocol: { type: 'string' }, requests: { type: 'string' } },
});
const url = values.url!;
const requests = Number(values.requests ?? '20');

async function exporter(protocol: string): Promise<SpanExporter> {
  if (protocol === 'proto')
    return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({
      url: `${url}/v1/traces`,
    });
  if (protocol === 'json')
    return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: `${url}/v1/traces` });
  return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter({ url });
}

const rollup = new RollupSpanProcessor({ serviceName: 'sender' });
const provider = new TracerProvider({
  spanProcessors: [rollup, new SimpleSpanProcessor({ exporter: await exporter(values.protocol ?? 'proto') })],
});
const tracer = provider.getTracer('sender');
const BASE_S = Math.floor(Date.now() / 1000) - 3600;
/** Upstream trace ids differ from run to run, as real ones do. */
const RUN = randomBytes(8).toString('hex');

/** `ms` after request `i`'s start, as HrTime (whole microseconds, so exact). */
function at(i: number, ms: number): HrTime {
  const totalUs = i * 100_000 + Math.round(ms * 1000);
  return [BASE_S + Math.floor(totalUs / 1e6), (totalUs % 1e6) * 1000];
}

for (let i = 0; i < requests; i++) {
  // Every fifth request continues an upstream trace: its root has a remote parent.
  const upstream: SpanContext = {
    traceId: RUN + (i + 1).toString(16).padStart(16, '0'),
    spanId: (i + 1).toString(16).padStart(16, 'b'),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  };
  const parent = i % 5 === 0 ? trace.setSpanContext(context.active(), upstream) : context.active();
  const rootMs = 20 + (i % 7) * 3;
  const root = tracer.startSpan('GET /work', { kind: SpanKind.SERVER, startTime: at(i, 0) }, parent);
  const inRoot = trace.setSpan(context.active(), root);
  tracer.startSpan('parse', { startTime: at(i, 0.5) }, inRoot).end(at(i, 2 + (i % 3)));
  const compute = tracer.startSpan('compute', { startTime: at(i, 5.25) }, inRoot);
  const inCompute = trace.setSpan(context.active(), compute);
  tracer.startSpan('compute.inner', { startTime: at(i, 5.5) }, inCompute).end(at(i, 9 + (i % 5) * 0.75));
  const query = tracer.startSpan('db.query', { kind: SpanKind.CLIENT, startTime: at(i, 10) }, inCompute);
  if (i % 10 === 0) query.setStatus({ code: SpanStatusCode.ERROR });
  query.end(at(i, 14.125));
  compute.end(at(i, 15));
  tracer.startSpan('render', { startTime: at(i, 16) }, inRoot).end(at(i, 18));
  root.end(at(i, rootMs));
  // The exporters allow 30 exports in flight; four requests' spans stay under that.
  if (i % 4 === 3) await provider.forceFlush();
}
await provider.forceFlush();
process.stdout.write(`${JSON.stringify(rollup.summary())}\n`);
await provider.shutdown();
