/**
 * The OTLP/HTTP side of `collect`: `POST /v1/traces` (protobuf or JSON, gzip or not), and the
 * read endpoints `GET /v1/span-summary`, `GET /metrics`, `GET /health` and the live view. Exports are read under
 * a size limit (read-body.ts) and a bound on those read at once (beyond it: 503 with Retry-After,
 * which OTLP senders retry). Nothing a client sends takes the receiver down: every failure of one
 * export is its own answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import type { LiveRoutes } from '../live/routes.ts';
import type { Ingest } from './ingest.ts';
import { type Encoding, encodingOf, sendFailure, sendSuccess } from './otlp-answer.ts';
import { contentEncoding, decompress, readRaw } from './read-body.ts';

/** An accepted export as it arrived, for `--forward`. */
export interface RawExport {
  body: Buffer;
  contentType: string;
  contentEncoding: string | undefined;
  /** Spans accepted from it, for the forwarder's counts. */
  spans: number;
}

export interface HttpReceiverOptions {
  ingest: Ingest;
  /** Largest body, before and after decompression, in bytes. */
  maxBodyBytes: number;
  /** Exports read and decoded at once. */
  maxConcurrentExports: number;
  summary: () => unknown;
  health: () => Record<string, unknown>;
  metrics?: (request: IncomingMessage, response: ServerResponse) => void;
  /** Called with every export that was accepted (some or all of its spans), unchanged. */
  accepted?: (raw: RawExport) => void;
  /** GET /live and GET /v1/events (docs/live.md). */
  live?: LiveRoutes;
}

/** Time a client has to send a whole export. */
const REQUEST_TIMEOUT_MS = 30_000;

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The receiver's HTTP server (not listening yet); `draining()` makes new exports 503. */
export function createHttpReceiver(options: HttpReceiverOptions): { server: Server; drain(): void } {
  let inFlight = 0;
  let draining = false;

  const exportTraces = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const encoding = encodingOf(request.headers['content-type']);
    // Until the body is read to its end, an answer must close the connection.
    let read = false;
    const answerIn: Encoding = encoding ?? 'json';
    try {
      if (encoding === undefined)
        throw new CodedError(
          `unsupported Content-Type '${request.headers['content-type'] ?? ''}' (application/x-protobuf or application/json)`,
          { code: ERROR_CODE.UNSUPPORTED_MEDIA_TYPE },
        );
      const compression = contentEncoding(request);
      if (draining) throw new CodedError('the receiver is shutting down', { code: ERROR_CODE.DRAINING });
      if (inFlight >= options.maxConcurrentExports)
        throw new CodedError('too many exports at once', { code: ERROR_CODE.OVERLOADED, retryAfterS: 1 });
      inFlight++;
      try {
        const raw = await readRaw(request, options.maxBodyBytes);
        read = true;
        const body = await decompress(raw, compression, options.maxBodyBytes);
        const batch = encoding === 'protobuf' ? options.ingest.protobuf(body) : options.ingest.json(body);
        options.ingest.take(batch);
        if (batch.nodes.length > 0)
          options.accepted?.({
            body: raw,
            contentType: request.headers['content-type']!,
            contentEncoding: request.headers['content-encoding'],
            spans: batch.nodes.length,
          });
        sendSuccess(response, encoding, batch.rejected, batch.reason);
      } finally {
        inFlight--;
      }
    } catch (error) {
      options.ingest.refused();
      sendFailure(response, answerIn, error, !read);
    }
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (options.live?.handle(request, response)) return;
    const path = (request.url ?? '/').split('?')[0];
    const get = request.method === 'GET' || request.method === 'HEAD';
    if (path === '/v1/traces') {
      if (request.method === 'POST') void exportTraces(request, response);
      else sendFailure(response, 'json', new CodedError('POST only', { code: ERROR_CODE.METHOD_NOT_ALLOWED }), true);
      return;
    }
    if (get && path === '/v1/span-summary') sendJson(response, 200, options.summary());
    else if (get && path === '/health') sendJson(response, draining ? 503 : 200, options.health());
    else if (get && path === '/metrics' && options.metrics) options.metrics(request, response);
    else sendFailure(response, 'json', new CodedError(`no route ${path}`, { code: ERROR_CODE.NOT_FOUND }), true);
  };

  const server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      sendFailure(response, 'json', error, true);
    }
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  // A client error (malformed HTTP) closes its own socket only.
  server.on('clientError', (_error, socket) => socket.destroy());
  return {
    server,
    drain: () => {
      draining = true;
    },
  };
}
