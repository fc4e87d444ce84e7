/**
 * The HTTP side of the load generator: one undici Pool per target, driven through `dispatch`
 * with a small handler per request. `dispatch` is undici's lowest public layer: no Readable
 * stream per response (which `request()` makes, costing about a third of the request rate here),
 * and its callbacks give the exact moments of the first response byte (headers) and the last body
 * byte. A sweep aborts requests older than the total timeout, so a timeout is the whole request,
 * not one phase of it.
 */
import { type Dispatcher, Pool } from 'undici';

/** Error taxonomy keys: `http_<status>`, `timeout`, `connection`, `bad_body`. */
export type FailureType = `http_${number}` | 'timeout' | 'connection' | 'bad_body';

/** What became of one request. Times are performance.now() milliseconds. */
export interface Outcome {
  /** 2xx with an acceptable body. */
  ok: boolean;
  /** HTTP status, 0 when no response arrived. */
  status: number;
  failure: FailureType | undefined;
  /** A one-line description of a failure, for messages. */
  detail: string | undefined;
  /** Response headers arrived (time to first byte); NaN without a response. */
  headersAtMs: number;
  /** The last body byte arrived, or the request failed. */
  endAtMs: number;
  /** The W3C `traceresponse` header, when the server sent one. */
  traceResponse: string | undefined;
  /** The response body, only when asked for with `keepBody`. */
  body: string | undefined;
  /** Audio seconds a good transcription answer states (`duration`, as `verbose_json` has it). */
  answerDurationS: number | undefined;
}

/** What counts as a good 2xx body. */
export type BodyCheck = 'transcription' | 'none';

export interface SendOptions {
  method: 'GET' | 'POST';
  /** Path below the base URL (e.g. `/v1/audio/transcriptions`). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  check: BodyCheck;
  keepBody?: boolean;
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
/** Bodies beyond this are not kept: a transcription answer is small, and a huge one is a bad body. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

function describe(error: Error): string {
  const code = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = error.message || cause?.message || error.name;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * A good transcription body is JSON with a string `text` (OpenAI `response_format=json`); returns
 * the audio seconds it states (a finite `duration` >= 0), null when it states none, undefined when bad.
 */
function transcriptionAnswer(text: string): number | null | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { text: transcript, duration } = parsed as { text?: unknown; duration?: unknown };
  if (typeof transcript !== 'string') return undefined;
  return typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? duration : null;
}

/**
 * Collects one response. A class rather than a literal with closures: one small object per
 * request instead of six functions, which matters at tens of thousands of requests a second.
 * It is also the in-flight entry the timeout sweep looks at.
 */
class ResponseHandler implements Dispatcher.DispatchHandler {
  readonly deadlineMs: number;
  controller: Dispatcher.DispatchController | undefined;
  readonly #options: SendOptions;
  readonly #done: (handler: ResponseHandler, outcome: Outcome) => void;
  #status = 0;
  #headersAtMs = NaN;
  #traceResponse: string | undefined;
  #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(options: SendOptions, deadlineMs: number, done: (handler: ResponseHandler, outcome: Outcome) => void) {
    this.#options = options;
    this.deadlineMs = deadlineMs;
    this.#done = done;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#headersAtMs = performance.now();
    this.#status = statusCode;
    const header = headers.traceresponse;
    this.#traceResponse = Array.isArray(header) ? header[0] : header;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes <= MAX_BODY_BYTES) this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    const status = this.#status;
    const { check, keepBody } = this.#options;
    const success = status >= 200 && status < 300;
    const chunks = this.#chunks;
    const text =
      (keepBody || (success && check === 'transcription')) && this.#bytes <= MAX_BODY_BYTES
        ? chunks.length === 1
          ? chunks[0]!.toString('utf8')
          : Buffer.concat(chunks).toString('utf8')
        : undefined;
    this.#chunks = [];
    const body = keepBody ? text : undefined;
    // undefined: not a transcription (an oversized body is not kept, so it is not one either).
    const durationS =
      success && check === 'transcription' ? (text === undefined ? undefined : transcriptionAnswer(text)) : null;
    if (!success) this.finish(false, `http_${status}`, `HTTP ${status}`, body);
    else if (check === 'transcription' && durationS === undefined)
      this.finish(false, 'bad_body', 'the response is not JSON with a "text" string', body);
    else this.finish(true, undefined, undefined, body, durationS ?? undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const timedOut = error instanceof TimeoutError || TIMEOUT_CODES.has((error as { code?: string }).code ?? '');
    this.finish(false, timedOut ? 'timeout' : 'connection', describe(error), undefined);
  }

  finish(
    ok: boolean,
    failure: FailureType | undefined,
    detail: string | undefined,
    body: string | undefined,
    answerDurationS?: number,
  ): void {
    this.#done(this, {
      ok,
      status: this.#status,
      failure,
      detail,
      headersAtMs: this.#headersAtMs,
      endAtMs: performance.now(),
      traceResponse: this.#traceResponse,
      body,
      answerDurationS,
    });
  }
}

/** A connection pool to one target with a total per-request timeout. */
export class TargetClient {
  readonly #pool: Pool;
  readonly #origin: string;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  /** Insertion order is deadline order (one timeout for all), so the sweep stops at the first live one. */
  readonly #inFlight = new Set<ResponseHandler>();
  readonly #sweep: NodeJS.Timeout;

  /** `connections`: streams for a closed model, null (unbounded) for an open one. */
  constructor(baseUrl: string, options: { connections: number | null; timeoutMs: number }) {
    const url = new URL(baseUrl);
    this.#origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs;
    this.#pool = new Pool(url.origin, {
      connections: options.connections,
      pipelining: 1,
      // The sweep enforces the whole-request timeout; undici's per-phase timers would only add
      // a timer refresh per request. Connecting is not covered by the sweep, so keep that one.
      headersTimeout: 0,
      bodyTimeout: 0,
      connectTimeout: options.timeoutMs,
    });
    this.#sweep = setInterval(() => this.#expire(), Math.min(250, Math.max(10, options.timeoutMs / 4)));
    this.#sweep.unref();
  }

  /** Full URL of a path below the base, for span attributes. */
  url(path: string): string {
    return `${this.#origin}${this.#prefix}${path}`;
  }

  /** Sends one request now; resolves (never rejects) when the last body byte arrived or it failed. */
  send(options: SendOptions): Promise<Outcome> {
    return new Promise((resolve) => {
      const handler = new ResponseHandler(options, performance.now() + this.#timeoutMs, (finished, outcome) => {
        this.#inFlight.delete(finished);
        resolve(outcome);
      });
      this.#inFlight.add(handler);
      try {
        this.#pool.dispatch(
          {
            method: options.method,
            path: this.#prefix + options.path,
            headers: options.headers,
            body: options.body ?? null,
            idempotent: false,
            blocking: true,
          },
          handler,
        );
      } catch (error) {
        handler.finish(false, 'connection', describe(error as Error), undefined);
      }
    });
  }

  #expire(): void {
    const now = performance.now();
    for (const entry of this.#inFlight) {
      if (entry.deadlineMs > now) break;
      // Not yet on a socket: undici's own connect timeout covers it.
      if (!entry.controller) continue;
      this.#inFlight.delete(entry);
      entry.controller.abort(new TimeoutError(`no complete response within ${this.#timeoutMs} ms`));
    }
  }

  /** Closes the connections (in-flight requests are abandoned, not awaited). */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#pool.destroy();
  }
}
