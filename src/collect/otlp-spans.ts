/**
 * A decoded protobuf ExportTraceServiceRequest (otlp-proto.ts) as a SpanBatch: ids as lower-case
 * hex, nanosecond times as epoch milliseconds with the duration taken from the exact difference.
 */
import type { Int64, ProtoExportRequest, ProtoKeyValue } from './otlp-proto.ts';
import { SOURCE_KEYS, type SourceIds, SpanBatch, type SpanFields } from './span-batch.ts';

const TWO_32 = 4294967296;

function hex(bytes: Uint8Array | undefined): string {
  if (bytes === undefined || bytes.length === 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function high(value: Int64): number {
  return typeof value === 'number' ? Math.floor(value / TWO_32) : value.high >>> 0;
}

function low(value: Int64): number {
  return typeof value === 'number' ? value % TWO_32 : value.low >>> 0;
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
  for (const resourceSpans of request.resourceSpans) {
    const source = sources.id(protoSourceKey(resourceSpans.resource?.attributes));
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const start = span.startTimeUnixNano;
        const end = span.endTimeUnixNano;
        const startHigh = high(start);
        const startLow = low(start);
        fields.traceId = hex(span.traceId);
        fields.spanId = hex(span.spanId);
        fields.parentSpanId = hex(span.parentSpanId);
        fields.flags = span.flags;
        fields.name = span.name;
        fields.kind = span.kind;
        fields.startMs = (startHigh * TWO_32 + startLow) / 1e6;
        fields.durationMs = ((high(end) - startHigh) * TWO_32 + (low(end) - startLow)) / 1e6;
        fields.statusCode = span.status?.code ?? 0;
        batch.accept(fields, source);
      }
    }
  }
  return batch;
}
