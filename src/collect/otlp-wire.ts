/**
 * Protobuf ExportTraceServiceRequest straight into a SpanBatch: the fields the receiver reads,
 * by the field numbers of the official definitions (proto/opentelemetry/proto/trace/v1/trace.proto,
 * collector/trace/v1, common/v1, resource/v1), read with protobufjs's Reader, everything else
 * skipped on the wire (its lengths checked). protobufjs's generated decoder builds an object per
 * span, attribute, id and time on the way; the receiver then cost 2.1 times a bare decode and missed
 * its goal of at most 2 (docs/collect.md, Numbers). Ids become hex from the body's bytes without a
 * copy; times are split into seconds and nanoseconds exactly. Malformed input throws.
 */
import protobuf from 'protobufjs';
import {
  blankSpanFields,
  durationMsOf,
  msOf,
  SOURCE_KEYS,
  type SourceIds,
  SpanBatch,
  type SpanFields,
} from './span-batch.ts';

type Reader = protobuf.Reader;

const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;
const TWO_32 = 4294967296;
const NANOS_PER_S = 1e9;
/** The source key of spans without a resource. */
const NO_RESOURCE = SOURCE_KEYS.map(() => '\u0000').join('');

function expect(wireType: number, expected: number, field: string): void {
  if (wireType !== expected) throw new Error(`${field}: wire type ${wireType}, not ${expected}`);
}

/** The end of a length-delimited field starting at the reader, checked against `limit`. */
function end(reader: Reader, limit: number): number {
  const length = reader.uint32();
  const stop = reader.pos + length;
  if (stop > limit) throw new RangeError(`a length of ${length} runs past its message`);
  return stop;
}

/** Hex of the bytes field at the reader ('' when empty). */
function hexField(reader: Reader, limit: number, body: Buffer): string {
  const stop = end(reader, limit);
  const text = stop === reader.pos ? '' : body.toString('hex', reader.pos, stop);
  reader.pos = stop;
  return text;
}

/** A fixed64 of nanoseconds as [whole seconds, nanoseconds], exact: an estimate off by at most a
 *  second, then the remainder from the low 32 bits, which lies within (-1e9, 2e9) and so is told
 *  apart by its value modulo 2^32. */
function nanosField(reader: Reader, into: Float64Array, at: number): void {
  const low = reader.fixed32() >>> 0;
  const high = reader.fixed32() >>> 0;
  let seconds = Math.floor((high * TWO_32 + low) / NANOS_PER_S);
  let nanos = (low - Math.imul(seconds, NANOS_PER_S)) >>> 0;
  if (nanos >= 3 * NANOS_PER_S) {
    nanos = nanos - TWO_32 + NANOS_PER_S;
    seconds--;
  } else if (nanos >= NANOS_PER_S) {
    seconds++;
    nanos -= NANOS_PER_S;
  }
  into[at] = seconds;
  into[at + 1] = nanos;
}

/** The scalar of an AnyValue as text (string or int), '' for any other kind. */
function anyValueText(reader: Reader, limit: number): string {
  let text = '';
  while (reader.pos < limit) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === LEN) text = reader.string();
    else if (field === 3 && (tag & 7) === VARINT) text = reader.int64().toString();
    else reader.skipType(tag & 7);
  }
  return text;
}

/** The source key of a Resource (the values of SOURCE_KEYS, joined), as otlp-json.ts makes it. */
function resourceKey(reader: Reader, limit: number): string {
  const values = new Map<string, string>();
  while (reader.pos < limit) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1 || (tag & 7) !== LEN) {
      reader.skipType(tag & 7);
      continue;
    }
    const stop = end(reader, limit);
    let key = '';
    let value = '';
    while (reader.pos < stop) {
      const inner = reader.uint32();
      if (inner >>> 3 === 1 && (inner & 7) === LEN) key = reader.string();
      else if (inner >>> 3 === 2 && (inner & 7) === LEN) value = anyValueText(reader, end(reader, stop));
      else reader.skipType(inner & 7);
    }
    reader.pos = stop;
    if ((SOURCE_KEYS as readonly string[]).includes(key)) values.set(key, value);
  }
  let joined = '';
  for (const name of SOURCE_KEYS) joined += `${values.get(name) ?? ''}\u0000`;
  return joined;
}

/** Reads one Span ending at `limit` into `fields`. */
function span(reader: Reader, limit: number, body: Buffer, fields: SpanFields, times: Float64Array): void {
  fields.traceId = '';
  fields.spanId = '';
  fields.parentSpanId = '';
  fields.flags = 0;
  fields.name = '';
  fields.kind = 0;
  fields.statusCode = 0;
  times.fill(0);
  while (reader.pos < limit) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(wireType, LEN, 'trace_id');
        fields.traceId = hexField(reader, limit, body);
        break;
      case 2:
        expect(wireType, LEN, 'span_id');
        fields.spanId = hexField(reader, limit, body);
        break;
      case 4:
        expect(wireType, LEN, 'parent_span_id');
        fields.parentSpanId = hexField(reader, limit, body);
        break;
      case 5:
        expect(wireType, LEN, 'name');
        fields.name = reader.string();
        break;
      case 6:
        expect(wireType, VARINT, 'kind');
        fields.kind = reader.int32();
        break;
      case 7:
        expect(wireType, FIXED64, 'start_time_unix_nano');
        nanosField(reader, times, 0);
        break;
      case 8:
        expect(wireType, FIXED64, 'end_time_unix_nano');
        nanosField(reader, times, 2);
        break;
      case 15: {
        expect(wireType, LEN, 'status');
        const stop = end(reader, limit);
        while (reader.pos < stop) {
          const inner = reader.uint32();
          if (inner >>> 3 === 3 && (inner & 7) === VARINT) fields.statusCode = reader.int32();
          else reader.skipType(inner & 7);
        }
        reader.pos = stop;
        break;
      }
      case 16:
        expect(wireType, FIXED32, 'flags');
        fields.flags = reader.fixed32();
        break;
      default:
        reader.skipType(wireType);
    }
  }
  if (reader.pos !== limit) throw new RangeError('a field runs past its span');
  fields.startMs = msOf(times[0]!, times[1]!);
  fields.durationMs = durationMsOf((times[2]! - times[0]!) * NANOS_PER_S + (times[3]! - times[1]!));
}

/** The spans of a protobuf ExportTraceServiceRequest; throws on a malformed body. */
export function spansFromWire(body: Buffer, sources: SourceIds): SpanBatch {
  const batch = new SpanBatch();
  const reader = protobuf.Reader.create(body);
  const fields = blankSpanFields();
  const times = new Float64Array(4);
  const total = body.length;
  while (reader.pos < total) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1) {
      reader.skipType(tag & 7);
      continue;
    }
    expect(tag & 7, LEN, 'resource_spans');
    const resourceEnd = end(reader, total);
    const start = reader.pos;
    // The resource may come after its spans on the wire: find it first.
    let key = NO_RESOURCE;
    while (reader.pos < resourceEnd) {
      const inner = reader.uint32();
      if (inner >>> 3 === 1 && (inner & 7) === LEN) {
        const stop = end(reader, resourceEnd);
        key = resourceKey(reader, stop);
        reader.pos = stop;
      } else reader.skipType(inner & 7);
    }
    const source = sources.id(key);
    reader.pos = start;
    while (reader.pos < resourceEnd) {
      const inner = reader.uint32();
      if (inner >>> 3 !== 2 || (inner & 7) !== LEN) {
        reader.skipType(inner & 7);
        continue;
      }
      const scopeEnd = end(reader, resourceEnd);
      while (reader.pos < scopeEnd) {
        const spanTag = reader.uint32();
        if (spanTag >>> 3 !== 2 || (spanTag & 7) !== LEN) {
          reader.skipType(spanTag & 7);
          continue;
        }
        const spanEnd = end(reader, scopeEnd);
        span(reader, spanEnd, body, fields, times);
        batch.accept(fields, source);
      }
      if (reader.pos !== scopeEnd) throw new RangeError('a field runs past its scope');
    }
    if (reader.pos !== resourceEnd) throw new RangeError('a field runs past its resource');
  }
  return batch;
}
