/**
 * The HTTP service: routes, health, and the lifecycle (ready -> draining -> closed). Built on
 * node:http so instrumentation-http makes the SERVER span of every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import {
  EVENTS_PATH,
  HEALTH_PATH,
  LIVE_PATH,
  METRICS_PATH,
  SPAN_SUMMARY_PATH,
  TRANSCRIPTIONS_ROUTE,
} from '../telemetry/names.ts';
import { apiKeyCheck } from './auth.ts';
import { answerClientError } from './client-errors.ts';
import { dropUnreadBody } from './discard.ts';
import { sendError, sendJson } from './respond.ts';
import { handleTranscription, type TranscriptionDeps } from './transcriptions.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Longest time a request (headers and the whole upload) may take to arrive. */
const UPLOAD_TIMEOUT_MILLIS = 120_000;

export interface ServiceDeps extends TranscriptionDeps {
  /** Facts for /health beyond the status (engine, device, dropped spans...). */
  healthFacts: () => Record<string, unknown>;
  /** The live span summary document, for GET /v1/span-summary. */
  spanSummary?: () => unknown;
  /** Prometheus exposition handler for GET /metrics. */
  metrics?: (request: IncomingMessage, response: ServerResponse) => void;
  /** The live view (createLiveRoutes of src/live/): GET /live and GET /v1/events. */
  live?: { page: Handler; events: Handler; close(): void };
  apiKey?: string | undefined;
}

export interface Service {
  server: Server;
  /** Resolves with the bound base URL. */
  listen(host: string, port: number): Promise<string>;
  /**
   * Stops accepting (the listener closes; queued requests get 503), lets in-flight requests
   * finish for up to `deadlineMillis`, then abandons the rest with 503 + Retry-After and closes
   * every connection. Resolves true when everything in flight finished in time.
   */
  drain(deadlineMillis: number): Promise<boolean>;
}

/** How long abandoned requests get to send their 503 once their work is aborted. */
const ABANDON_GRACE_MILLIS = 1000;

function drainingError(): CodedError {
  return new CodedError('the service is shutting down', { code: ERROR_CODE.DRAINING, retryAfterS: 1 });
}

/** Resolves true when `promise` settles within `millis`, false otherwise. */
function within(promise: Promise<unknown>, millis: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), millis);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

function notFound(method: string, path: string): CodedError {
  return new CodedError(`no route for ${method} ${path.slice(0, 200)}`, { code: ERROR_CODE.NOT_FOUND });
}

function methodNotAllowed(method: string, path: string): CodedError {
  return new CodedError(`${method} is not allowed on ${path}`, { code: ERROR_CODE.METHOD_NOT_ALLOWED });
}

/** Creates the service; call `listen` to serve. */
export function createService(deps: ServiceDeps): Service {
  let state: 'ready' | 'draining' = 'ready';
  const authorize = apiKeyCheck(deps.apiKey);
  const stop = new AbortController();
  const transcriptionDeps: TranscriptionDeps = { ...deps, stopSignal: stop.signal };

  const liveOnly = (pick: (live: NonNullable<ServiceDeps['live']>) => Handler): Handler => {
    return (request, response) => {
      if (!deps.live) throw new CodedError('the live view is not enabled', { code: ERROR_CODE.NOT_FOUND });
      return pick(deps.live)(request, response);
    };
  };

  const routes: Record<string, Record<string, Handler>> = {
    [HEALTH_PATH]: {
      GET: (_request, response) => {
        const ready = state === 'ready';
        sendJson(
          response,
          ready ? 200 : 503,
          { status: ready ? 'ok' : state, ...deps.healthFacts() },
          ready ? {} : { 'retry-after': '1' },
        );
      },
    },
    [TRANSCRIPTIONS_ROUTE]: { POST: (request, response) => handleTranscription(request, response, transcriptionDeps) },
    [SPAN_SUMMARY_PATH]: {
      GET: (_request, response) => {
        if (!deps.spanSummary) throw new CodedError('span rollups are not enabled', { code: ERROR_CODE.NOT_FOUND });
        sendJson(response, 200, deps.spanSummary());
      },
    },
    [METRICS_PATH]: {
      GET: (request, response) => {
        if (!deps.metrics) throw new CodedError('metrics are not enabled', { code: ERROR_CODE.NOT_FOUND });
        deps.metrics(request, response);
      },
    },
    [LIVE_PATH]: { GET: liveOnly((live) => live.page) },
    [EVENTS_PATH]: { GET: liveOnly((live) => live.events) },
  };

  const server = createServer(async (request, response) => {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    try {
      // Before routing, so that without the key not even the existence of a route shows. The
      // live view may carry it in its URL: a browser's EventSource cannot send a header.
      if (path !== HEALTH_PATH) authorize(request, { fromQuery: path === LIVE_PATH || path === EVENTS_PATH });
      const route = routes[path];
      if (!route) throw notFound(method, path);
      const handler = route[method];
      if (!handler) throw methodNotAllowed(method, path);
      await handler(request, response);
    } catch (error) {
      sendError(response, error);
      dropUnreadBody(request);
    }
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 65_000;
  // A slow upload holds an admission slot; it must arrive whole within this (processing has its own limit).
  server.requestTimeout = UPLOAD_TIMEOUT_MILLIS;

  return {
    server,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },
    async drain(deadlineMillis) {
      state = 'draining';
      // Event streams never end by themselves; the browsers reconnect to whatever serves next.
      deps.live?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idle = deps.admission.drain();
      const finished = await within(idle, deadlineMillis);
      if (!finished) {
        stop.abort(drainingError());
        await within(idle, ABANDON_GRACE_MILLIS);
      }
      server.closeAllConnections();
      await closed;
      return finished;
    },
  };
}
