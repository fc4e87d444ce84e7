/**
 * Writing responses: JSON bodies and the one place where an error becomes the OpenAI envelope.
 */
import type { ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import { CodedError } from '../core/errors.ts';
import { ATTR } from '../telemetry/names.ts';
import { toErrorEnvelope } from './errors.ts';

/** Sends `body` as JSON with `status`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Sends any thrown value as the OpenAI error envelope and marks the active span with its code. */
export function sendError(response: ServerResponse, error: unknown): void {
  const { status, body, headers } = toErrorEnvelope(error);
  const span = trace.getActiveSpan();
  if (span && body.error.code) span.setAttribute(ATTR.ERROR_CODE, body.error.code);
  if (!(error instanceof CodedError))
    process.emitWarning(`unhandled error in request: ${error instanceof Error ? error.message : String(error)}`);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, status, body, headers);
}
