/**
 * A decoded protobuf ExportTraceServiceRequest (otlp-proto.ts) as a SpanBatch: ids as lower-case
 * hex, nanosecond times as epoch milliseconds with the duration taken from the exact difference.
 */
import type { Int64, ProtoExportRequest, ProtoKeyValue } from './otlp-proto.ts';
import { durationMsOf, msOf, SOURCE_KEYS, type SourceIds, SpanBatch, type SpanFields } from './span-batch.ts';

const TWO_32 = 4294967296;
const NANOS_PER_S = 1e9;

function hex(bytes: Uint8Array | undefined): string {
  if (bytes === undefined || bytes.length === 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Whole seconds and nanoseconds of a uint64 of nanoseconds, exact. `split[0]` is NaN for a
 *  value beyond 2^53 seconds (never a real time). */
function split(value: Int64, into: [number, number]): void {
  const high = typeof value === 'number' ? Math.floor(value / TWO_32) : value.high >>> 0;
  const low = typeof value === 'number' ? value % TWO_32 : value.low >>> 0;
  // An estimate off by at most one second, then the exact remainder from the low 32 bits: the
  // remainder lies within (-1e9, 2e9), which its value modulo 2^32 tells apart.
  let seconds = Math.floor((high * TWO_32 + low) / NANOS_PER_S);
  let nanos = (low - Math.imul(seconds, NANOS_PER_S)) >>> 0;
  if (nanos >= 3 * NANOS_PER_S) {
    nanos -= TWO_32;
    seconds--;
    nanos += NANOS_PER_S;
  } else if (nanos >= NANOS_PER_S) {
    seconds++;
    nanos -= NANOS_PER_S;
  }
  into[0] = seconds;
  into[1] = nanos;
}

/** The resource's SOURCE_KEYS values, joined: its source key. */
export function protoSourceKey(attributes: readonly ProtoKeyValue[] | undefined): string {
  let key = '';
  for (const name of SOURCE_KEYS) {
    const found = attributes?.find((attribute) => attribute.key === name)?.value as Record<string, unknown> | undefined;
    const value = found?.stringValue ?? found?.intValue ?? '';
    key += `${String(value)}\u0000`;
  }
  return key;
}

/** The spans of `request`. */
export function spansFromProto(request: ProtoExportRequest, sources: SourceIds): SpanBatch {
  const batch = new SpanBatch();
  const fields: SpanFields = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: 0,
    startMs: 0,
    durationMs: 0,
    statusCode: 0,
  };
  const start: [number, number] = [0, 0];
  const end: [number, number] = [0, 0];
  for (const resourceSpans of request.resourceSpans) {
    const source = sources.id(protoSourceKey(resourceSpans.resource?.attributes));
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        split(span.startTimeUnixNano, start);
        split(span.endTimeUnixNano, end);
        fields.traceId = hex(span.traceId);
        fields.spanId = hex(span.spanId);
        fields.parentSpanId = hex(span.parentSpanId);
        fields.flags = span.flags;
        fields.name = span.name;
        fields.kind = span.kind;
        fields.startMs = msOf(start[0], start[1]);
        fields.durationMs = durationMsOf((end[0] - start[0]) * NANOS_PER_S + (end[1] - start[1]));
        fields.statusCode = span.status?.code ?? 0;
        batch.accept(fields, source);
      }
    }
  }
  return batch;
}
