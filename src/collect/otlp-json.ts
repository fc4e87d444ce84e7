/**
 * An OTLP/JSON ExportTraceServiceRequest as a SpanBatch. The OTLP JSON encoding differs from
 * protobuf's canonical JSON: ids are hex (either case; base64 is taken too, as some senders
 * write it), 64-bit times are numbers or decimal strings, enums are numbers (their names are
 * taken too), and field names are lowerCamelCase (snake_case is taken too). Anything that is not
 * the expected shape rejects the span it is in, or the whole body when the body is not an object.
 */
import { blankSpanFields, durationMsOf, msOf, SOURCE_KEYS, type SourceIds, SpanBatch } from './span-batch.ts';

/** A body that is not an ExportTraceServiceRequest at all: the receiver answers 400. */
export class JsonShapeError extends Error {
  override name = 'JsonShapeError';
}

const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

type Json = Record<string, unknown>;

function field(object: Json, camel: string, snake: string): unknown {
  return object[camel] ?? object[snake];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A hex id of `bytes` bytes (or its base64), lower-case hex; '' when absent, 'x' when malformed. */
function id(value: unknown, bytes: number): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') return 'x';
  if (value.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(value)) return value.toLowerCase();
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes && value.length === Math.ceil(bytes / 3) * 4 ? decoded.toString('hex') : 'x';
}

/** Nanoseconds as [whole seconds, nanoseconds within it], exact for decimal strings; NaN when malformed. */
function nanos(value: unknown): [number, number] {
  if (typeof value === 'number') {
    if (!(Number.isInteger(value) && value >= 0)) return [Number.NaN, 0];
    const seconds = Math.floor(value / 1e9);
    return [seconds, value - seconds * 1e9];
  }
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) {
    if (value.length <= 9) return [0, Number(value)];
    return [Number(value.slice(0, -9)), Number(value.slice(-9))];
  }
  if (value === undefined) return [0, 0];
  return [Number.NaN, 0];
}

function enumValue(value: unknown, names: Record<string, number>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return names[value] ?? Number(value);
  return 0;
}

function sourceKey(resource: unknown): string {
  const attributes = isObject(resource) ? list(resource.attributes) : [];
  let key = '';
  for (const name of SOURCE_KEYS) {
    const found = attributes.find((attribute) => isObject(attribute) && attribute.key === name);
    const value = isObject(found) && isObject(found.value) ? found.value : {};
    const scalar = value.stringValue ?? value.string_value ?? value.intValue ?? value.int_value ?? '';
    key += `${String(scalar)}\u0000`;
  }
  return key;
}

/** The spans of a parsed JSON body; throws JsonShapeError when it is not an object. */
export function spansFromJson(body: unknown, sources: SourceIds): SpanBatch {
  if (!isObject(body)) throw new JsonShapeError('the body is not a JSON object');
  const batch = new SpanBatch();
  const fields = blankSpanFields();
  for (const resourceSpans of list(field(body, 'resourceSpans', 'resource_spans'))) {
    if (!isObject(resourceSpans)) continue;
    const source = sources.id(sourceKey(resourceSpans.resource));
    for (const scopeSpans of list(field(resourceSpans, 'scopeSpans', 'scope_spans'))) {
      if (!isObject(scopeSpans)) continue;
      for (const span of list(scopeSpans.spans)) {
        if (!isObject(span)) {
          batch.reject('a span is not an object');
          continue;
        }
        const [startS, startNs] = nanos(field(span, 'startTimeUnixNano', 'start_time_unix_nano'));
        const [endS, endNs] = nanos(field(span, 'endTimeUnixNano', 'end_time_unix_nano'));
        const status = span.status;
        const flags = span.flags;
        fields.traceId = id(field(span, 'traceId', 'trace_id'), 16);
        fields.spanId = id(field(span, 'spanId', 'span_id'), 8);
        fields.parentSpanId = id(field(span, 'parentSpanId', 'parent_span_id'), 8);
        fields.flags = typeof flags === 'number' ? flags : 0;
        fields.name = typeof span.name === 'string' ? span.name : '';
        fields.kind = enumValue(span.kind, KINDS);
        fields.startMs = msOf(startS, startNs);
        fields.durationMs = durationMsOf((endS - startS) * 1e9 + (endNs - startNs));
        fields.statusCode = isObject(status) ? enumValue(status.code, STATUS_CODES) : 0;
        batch.accept(fields, source);
      }
    }
  }
  return batch;
}
