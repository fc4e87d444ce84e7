/**
 * The live view's two routes, to mount on any node:http server with a summary provider:
 * `GET /live` (the page) and `GET /v1/events` (its event stream). `createLiveRoutes` gives the
 * handlers for a server with a router of its own (the service); `withLiveRoutes` wraps a plain
 * request listener (the `collect` receiver).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import { EVENTS_PATH, LIVE_PATH } from '../telemetry/names.ts';
import { LiveFeed, type LiveFeedOptions } from './feed.ts';
import { LIVE_PAGE, LIVE_PAGE_HEADERS } from './page.ts';

/** The live routes of one server. */
export interface LiveRoutes {
  /** GET /live. */
  page(request: IncomingMessage, response: ServerResponse): void;
  /** GET /v1/events; throws a CodedError (`draining`, `overloaded`) before answering. */
  events(request: IncomingMessage, response: ServerResponse): void;
  /** Answers the request when its path is one of the live routes (else returns false). Throws
   *  a CodedError for another method or a refused stream. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  /** Ends every event stream and refuses new ones: call it when the server starts to close. */
  close(): void;
  /** Event streams open now. */
  readonly watchers: number;
}

const PAGE_BYTES = Buffer.from(LIVE_PAGE);

/** The routes over one feed of `options.summary`. */
export function createLiveRoutes(options: LiveFeedOptions): LiveRoutes {
  const feed = new LiveFeed(options);
  const page = (_request: IncomingMessage, response: ServerResponse): void => {
    response.writeHead(200, { ...LIVE_PAGE_HEADERS, 'content-length': PAGE_BYTES.length });
    response.end(PAGE_BYTES);
  };
  const events = (request: IncomingMessage, response: ServerResponse): void => feed.accept(request, response);
  return {
    page,
    events,
    handle(request, response) {
      const path = (request.url ?? '/').split('?')[0];
      const route = path === LIVE_PATH ? page : path === EVENTS_PATH ? events : undefined;
      if (!route) return false;
      if (request.method !== 'GET') {
        throw new CodedError(`${request.method} is not allowed on ${path}`, { code: ERROR_CODE.METHOD_NOT_ALLOWED });
      }
      route(request, response);
      return true;
    },
    close: () => feed.close(),
    get watchers() {
      return feed.clients;
    },
  };
}

/** The statuses of the errors the live routes throw, for a server without an error mapping. */
const STATUS: Partial<Record<string, number>> = {
  [ERROR_CODE.METHOD_NOT_ALLOWED]: 405,
  [ERROR_CODE.OVERLOADED]: 503,
  [ERROR_CODE.DRAINING]: 503,
};

/**
 * `listener` with the live routes in front: their requests are answered here (errors as
 * `{"error": {"message", "code"}}`), every other request goes to `listener`. Call `live.close()`
 * when the server starts to close.
 */
export function withLiveRoutes(
  listener: RequestListener,
  options: LiveFeedOptions,
): { listener: RequestListener; live: LiveRoutes } {
  const live = createLiveRoutes(options);
  const wrapped: RequestListener = (request, response) => {
    try {
      if (live.handle(request, response)) return;
    } catch (error) {
      if (!(error instanceof CodedError) || response.headersSent) throw error;
      const body = JSON.stringify({ error: { message: error.message, code: error.code } });
      response.writeHead(STATUS[error.code] ?? 500, {
        'content-type': 'application/json',
        ...(error.retryAfterS === undefined ? {} : { 'retry-after': String(error.retryAfterS) }),
      });
      response.end(body);
      return;
    }
    listener(request, response);
  };
  return { listener: wrapped, live };
}
