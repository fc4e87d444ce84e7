/**
 * The OTLP trace messages from the official definitions (proto/, vendored from
 * open-telemetry/opentelemetry-proto with its LICENSE), loaded once with protobufjs. Decoding is
 * protobufjs's, generated from those files. The receiver reads requests with otlp-wire.ts instead
 * (the fields it needs, by the same field numbers, with no object per span); these types encode its
 * answers, and are the bare decode the benchmark measures the receiver against.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** The vendored .proto files: `proto/` beside `src/` (and beside `dist/` in the package). */
const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));
const SERVICE_FILE = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** The loaded types: request, response and the google.rpc.Status of error answers. */
export interface OtlpTypes {
  request: protobuf.Type;
  response: protobuf.Type;
  status: protobuf.Type;
}

let types: OtlpTypes | undefined;

/** The OTLP trace types, loaded on first use. */
export function otlpTypes(): OtlpTypes {
  if (types !== undefined) return types;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => PROTO_DIR + target;
  root.loadSync(SERVICE_FILE);
  // google.rpc.Status (its two scalar fields): what OTLP/HTTP error bodies carry.
  const status = new protobuf.Type('Status')
    .add(new protobuf.Field('code', 1, 'int32'))
    .add(new protobuf.Field('message', 2, 'string'));
  new protobuf.Root().define('google.rpc').add(status);
  types = {
    request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    status,
  };
  return types;
}

/** The protobuf ExportTraceServiceResponse: empty on success, else `partial_success`. */
export function encodeResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const { response } = otlpTypes();
  const message =
    rejectedSpans > 0 || errorMessage !== ''
      ? response.create({ partialSuccess: { rejectedSpans, errorMessage } })
      : response.create({});
  return response.encode(message).finish();
}

/** A google.rpc.Status for an error answer. */
export function encodeStatus(code: number, message: string): Uint8Array {
  const { status } = otlpTypes();
  return status.encode(status.create({ code, message })).finish();
}
