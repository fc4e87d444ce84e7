/**
 * OTLP/HTTP answers as the specification words them: 200 with an ExportTraceServiceResponse
 * (with `partial_success` when spans were rejected), and for a refused export its HTTP status
 * with a google.rpc.Status body, each in the encoding of the request (JSON when the request's
 * own content type was not understood).
 */
import type { ServerResponse } from 'node:http';
import { CodedError, ERROR_CODE, type ErrorCode } from '../core/errors.ts';
import { encodeResponse, encodeStatus } from './otlp-proto.ts';

/** The two encodings of OTLP/HTTP. */
export type Encoding = 'protobuf' | 'json';

export const CONTENT_TYPE: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** google.rpc.Code values for the Status bodies. */
const RPC_CODE = { INVALID_ARGUMENT: 3, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14, INTERNAL: 13, UNIMPLEMENTED: 12 };

/** HTTP status and rpc code of the receiver's error codes; anything else is a 500. */
const STATUS_OF_CODE: Partial<Record<ErrorCode, [number, number]>> = {
  [ERROR_CODE.MALFORMED_EXPORT]: [400, RPC_CODE.INVALID_ARGUMENT],
  [ERROR_CODE.EXPORT_TOO_LARGE]: [413, RPC_CODE.RESOURCE_EXHAUSTED],
  [ERROR_CODE.UNSUPPORTED_CONTENT_ENCODING]: [415, RPC_CODE.UNIMPLEMENTED],
  [ERROR_CODE.UNSUPPORTED_MEDIA_TYPE]: [415, RPC_CODE.UNIMPLEMENTED],
  [ERROR_CODE.NOT_FOUND]: [404, RPC_CODE.UNIMPLEMENTED],
  [ERROR_CODE.METHOD_NOT_ALLOWED]: [405, RPC_CODE.UNIMPLEMENTED],
  [ERROR_CODE.OVERLOADED]: [503, RPC_CODE.UNAVAILABLE],
  [ERROR_CODE.DRAINING]: [503, RPC_CODE.UNAVAILABLE],
};

/** The encoding a Content-Type names, or undefined for any other type. */
export function encodingOf(contentType: string | undefined): Encoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/** 200 with the ExportTraceServiceResponse. */
export function sendSuccess(response: ServerResponse, encoding: Encoding, rejected: number, reason: string): void {
  let body: Uint8Array | string;
  if (encoding === 'protobuf') body = encodeResponse(rejected, reason);
  else
    body = JSON.stringify(
      rejected > 0 ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: reason } } : {},
    );
  response.writeHead(200, { 'content-type': CONTENT_TYPE[encoding], 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** The error answer for `error` (a CodedError, or anything else as a 500). The connection closes
 *  when the body may not have been read to its end. */
export function sendFailure(response: ServerResponse, encoding: Encoding, error: unknown, close: boolean): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const known = error instanceof CodedError ? STATUS_OF_CODE[error.code] : undefined;
  const [status, rpcCode] = known ?? [500, RPC_CODE.INTERNAL];
  const message = known ? (error as Error).message : 'internal error';
  const body = encoding === 'protobuf' ? encodeStatus(rpcCode, message) : JSON.stringify({ code: rpcCode, message });
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPE[encoding],
    'content-length': Buffer.byteLength(body),
  };
  if (status === 503) headers['retry-after'] = String((error as CodedError).retryAfterS ?? 1);
  if (close) headers.connection = 'close';
  response.writeHead(status, headers);
  response.end(body);
}
