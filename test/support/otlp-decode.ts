/**
 * Decodes OTLP/HTTP trace exports, protobuf and JSON, into flat span records for assertions.
 * Written against the OTLP proto field numbers (opentelemetry-proto trace/v1, common/v1), using
 * protobufjs's Reader for the wire format only, so the receiver checks what actually went out.
 */
import protobuf from 'protobufjs';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  statusCode: number;
  serviceName: string;
}

type Value = string | number | boolean;
const { Reader } = protobuf;
type ReaderT = InstanceType<typeof Reader>;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function fixed64(reader: ReaderT): bigint {
  const view = new DataView(reader.buf.buffer, reader.buf.byteOffset + reader.pos, 8);
  reader.skip(8);
  return view.getBigUint64(0, true);
}

function anyValue(reader: ReaderT, end: number): Value {
  let value: Value = '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        value = reader.string();
        break;
      case 2:
        value = reader.bool();
        break;
      case 3:
        value = Number(reader.int64().toString());
        break;
      case 4:
        value = reader.double();
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  return value;
}

function keyValue(reader: ReaderT, end: number, into: Record<string, Value>): void {
  let key = '';
  let value: Value = '';
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) key = reader.string();
    else if (tag >>> 3 === 2) {
      const length = reader.uint32();
      value = anyValue(reader, reader.pos + length);
    } else reader.skipType(tag & 7);
  }
  into[key] = value;
}

function sub(reader: ReaderT): number {
  const length = reader.uint32();
  return reader.pos + length;
}

function span(reader: ReaderT, end: number, serviceName: string): ReceivedSpan {
  const out: ReceivedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startNs: 0n,
    endNs: 0n,
    attributes: {},
    statusCode: 0,
    serviceName,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        out.traceId = hex(reader.bytes());
        break;
      case 2:
        out.spanId = hex(reader.bytes());
        break;
      case 4:
        out.parentSpanId = hex(reader.bytes());
        break;
      case 5:
        out.name = reader.string();
        break;
      case 6:
        out.kind = reader.int32();
        break;
      case 7:
        out.startNs = fixed64(reader);
        break;
      case 8:
        out.endNs = fixed64(reader);
        break;
      case 9:
        keyValue(reader, sub(reader), out.attributes);
        break;
      case 15: {
        const statusEnd = sub(reader);
        while (reader.pos < statusEnd) {
          const t = reader.uint32();
          if (t >>> 3 === 3) out.statusCode = reader.int32();
          else reader.skipType(t & 7);
        }
        break;
      }
      default:
        reader.skipType(tag & 7);
    }
  }
  return out;
}

/** Decodes an `application/x-protobuf` ExportTraceServiceRequest. */
export function decodeProtobuf(body: Uint8Array): ReceivedSpan[] {
  const reader = Reader.create(body);
  const spans: ReceivedSpan[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1) {
      reader.skipType(tag & 7);
      continue;
    }
    const resourceSpansEnd = sub(reader);
    let serviceName = '';
    const pending: Array<[number, number]> = [];
    while (reader.pos < resourceSpansEnd) {
      const t = reader.uint32();
      if (t >>> 3 === 1) {
        const resourceEnd = sub(reader);
        const attributes: Record<string, Value> = {};
        while (reader.pos < resourceEnd) {
          const rt = reader.uint32();
          if (rt >>> 3 === 1) keyValue(reader, sub(reader), attributes);
          else reader.skipType(rt & 7);
        }
        serviceName = String(attributes['service.name'] ?? '');
      } else if (t >>> 3 === 2) {
        const scopeEnd = sub(reader);
        pending.push([reader.pos, scopeEnd]);
        reader.pos = scopeEnd;
      } else reader.skipType(t & 7);
    }
    const after = reader.pos;
    for (const [start, scopeEnd] of pending) {
      reader.pos = start;
      while (reader.pos < scopeEnd) {
        const st = reader.uint32();
        if (st >>> 3 === 2) spans.push(span(reader, sub(reader), serviceName));
        else reader.skipType(st & 7);
      }
    }
    reader.pos = after;
  }
  return spans;
}

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
}
interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: JsonKeyValue[];
  status?: { code?: number };
}
interface JsonRequest {
  resourceSpans?: Array<{ resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: Array<{ spans?: JsonSpan[] }> }>;
}

function jsonValue(value: JsonAnyValue): Value {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.doubleValue ?? '';
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const { key, value } of list ?? []) out[key] = jsonValue(value);
  return out;
}

/** Decodes an `application/json` ExportTraceServiceRequest (ids as hex, as OTLP/JSON requires). */
export function decodeJson(body: Uint8Array): ReceivedSpan[] {
  const request = JSON.parse(Buffer.from(body).toString('utf8')) as JsonRequest;
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const serviceName = String(jsonAttributes(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const s of scope.spans ?? []) {
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: s.kind,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: jsonAttributes(s.attributes),
          statusCode: s.status?.code ?? 0,
          serviceName,
        });
      }
    }
  }
  return spans;
}
