/**
 * Node's HTTP parser answers some requests itself, before any handler runs: headers too large
 * (431), a request that did not arrive in time (408), malformed HTTP or a half-closed connection
 * (400). Its default answers have empty bodies; here they carry the OpenAI error envelope like
 * every other error of the service.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import { toErrorEnvelope } from './errors.ts';

/** The CodedError for a parser error code. */
export function clientErrorFor(code: string | undefined): CodedError {
  if (code === 'HPE_HEADER_OVERFLOW')
    return new CodedError('request headers are too large', { code: ERROR_CODE.HEADERS_TOO_LARGE });
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new CodedError('the request did not arrive in time', { code: ERROR_CODE.REQUEST_TIMEOUT });
  return new CodedError('malformed HTTP request', { code: ERROR_CODE.BAD_HTTP_REQUEST });
}

/** The `clientError` listener: an envelope when nothing of an answer was written yet, then close. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // As Node's own handler: write only when no answer to this connection has started.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, body } = toErrorEnvelope(clientErrorFor(error.code));
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
