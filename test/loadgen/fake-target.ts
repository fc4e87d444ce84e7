/**
 * A real HTTP server on 127.0.0.1:0 standing in for a transcription endpoint with known
 * behaviour: a fixed delay (optionally with the headers sent first, so time to first byte and time
 * to last byte differ), a chosen answer per request, and a record of what arrived when.
 */

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  /** performance.now() when the request's headers had arrived. */
  atMs: number;
  method: string;
  path: string;
  contentType: string;
  traceparent: string | undefined;
  /** Every request header, as Node received them. */
  headers: IncomingMessage['headers'];
  /** sha256 of the body. */
  bodyHash: string;
  body: Buffer;
}

export interface Answer {
  status: number;
  body: string;
  contentType?: string;
}

export interface FakeTargetOptions {
  delayMs?: number;
  /** Send the status line and headers at once, the body after the delay. */
  headersFirst?: boolean;
  /** The answer to POST on the transcription path number `index` (0-based); default 200 {"text":"ok"}. Other paths get 404. */
  answer?: (index: number) => Answer;
  /** The answer to GET /health; default 404 (not our service). */
  health?: Answer;
  /** The transcription path it serves (default /v1/audio/transcriptions). */
  path?: string;
  /** Answers to other GET paths, made when asked (e.g. a live /v1/span-summary). */
  get?: Record<string, () => Answer>;
}

export interface FakeTarget {
  url: string;
  arrivals: Arrival[];
  /** Transcription requests answered so far. */
  posts(): number;
  /** The most POST requests in progress (arrived, not yet answered) at once. */
  maxInProgress(): number;
  /** How many connections carried a POST request. */
  postConnections(): number;
  close(): Promise<void>;
}

const OK: Answer = { status: 200, body: '{"text":"ok"}' };
const NOT_FOUND: Answer = {
  status: 404,
  body: '{"error":{"message":"no route","type":"invalid_request_error","param":null,"code":"not_found"}}',
};
const TRANSCRIPTIONS = '/v1/audio/transcriptions';

/** Starts the server; `close()` ends it and its connections. */
export async function startFakeTarget(options: FakeTargetOptions = {}): Promise<FakeTarget> {
  const arrivals: Arrival[] = [];
  let posts = 0;
  let inProgress = 0;
  let maxInProgress = 0;
  const postSockets = new Set<object>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const arrivedAtMs = performance.now();
    if (request.method === 'POST') {
      postSockets.add(request.socket);
      maxInProgress = Math.max(maxInProgress, ++inProgress);
      response.once('close', () => inProgress--);
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const body = Buffer.concat(chunks);
      arrivals.push({
        atMs: arrivedAtMs,
        method: request.method ?? '',
        path,
        contentType: request.headers['content-type'] ?? '',
        traceparent: request.headers.traceparent as string | undefined,
        headers: request.headers,
        bodyHash: createHash('sha256').update(body).digest('hex'),
        body,
      });
      const answer =
        request.method === 'GET'
          ? path === '/health' && options.health
            ? options.health
            : (options.get?.[path]?.() ?? NOT_FOUND)
          : path === (options.path ?? TRANSCRIPTIONS)
            ? (options.answer ?? (() => OK))(posts++)
            : NOT_FOUND;
      const delayMs = request.method === 'GET' ? 0 : (options.delayMs ?? 0);
      response.statusCode = answer.status;
      response.setHeader('content-type', answer.contentType ?? 'application/json');
      if (options.headersFirst) response.flushHeaders();
      if (delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          response.end(answer.body);
        }, delayMs);
        timers.add(timer);
      } else response.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    posts: () => posts,
    maxInProgress: () => maxInProgress,
    postConnections: () => postSockets.size,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
