/**
 * The event stream behind `GET /v1/events`: every watcher gets a snapshot on connecting and then
 * one every interval, all from one shared timer (one summary per interval, however many watch),
 * with heartbeat comments and a `retry:` hint. The timer runs only while someone watches, so an
 * unwatched service pays nothing. Watchers are bounded, a watcher that stops reading is dropped
 * once its buffer passes a bound, a disconnect forgets the watcher at once, and `close()` ends
 * every stream so that a draining server is not held open by them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { RequestSeries } from './series.ts';
import { buildSnapshot } from './snapshot.ts';
import { sseComment, sseEvent, sseRetry } from './sse.ts';

export interface LiveFeedOptions {
  /** The current cumulative summary document (e.g. `RollupSpanProcessor.summary`). */
  summary: () => SpanSummaryDocument;
  /** Snapshot period in ms. Default 1000 (the page promises at most 2 s). */
  intervalMs?: number;
  /** Comment period in ms, for proxies that close quiet connections. Default 15 000. */
  heartbeatMs?: number;
  /** Watchers at once; one more is answered 503. Default 16. */
  maxClients?: number;
  /** The browser's reconnection delay in ms. Default 1000. */
  retryMs?: number;
  /** Unsent bytes a watcher may hold before it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
}

/** The name of the event carrying a snapshot (the page listens for it). */
export const SNAPSHOT_EVENT = 'snapshot';

/** Shares one snapshot timer among the watchers of one summary provider. */
export class LiveFeed {
  readonly #summary: () => SpanSummaryDocument;
  readonly #intervalMs: number;
  readonly #heartbeatMs: number;
  readonly #maxClients: number;
  readonly #retryMs: number;
  readonly #maxBuffered: number;
  readonly #clients = new Set<ServerResponse>();
  readonly #series = new RequestSeries();
  #timers: NodeJS.Timeout[] = [];
  #lastFrame: { atMs: number; text: string } | undefined;
  #sequence = 0;
  #closed = false;

  constructor(options: LiveFeedOptions) {
    this.#summary = options.summary;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#maxClients = options.maxClients ?? 16;
    this.#retryMs = options.retryMs ?? 1000;
    this.#maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  }

  /** Watchers connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /**
   * Starts the stream on `response`. Throws a CodedError (`draining` once closed, `overloaded` at
   * the watcher bound) before anything is written, so the caller answers it as any other error.
   */
  accept(_request: IncomingMessage, response: ServerResponse): void {
    if (this.#closed) throw new CodedError('the live feed is closed', { code: ERROR_CODE.DRAINING, retryAfterS: 1 });
    if (this.#clients.size >= this.#maxClients) {
      throw new CodedError(`the live feed has its ${this.#maxClients} watchers`, {
        code: ERROR_CODE.OVERLOADED,
        retryAfterS: 5,
      });
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Tells a buffering reverse proxy (nginx) to pass each event on at once.
      'x-accel-buffering': 'no',
    });
    response.socket?.setNoDelay(true);
    this.#clients.add(response);
    response.once('close', () => this.#forget(response));
    response.on('error', () => this.#forget(response));
    if (this.#clients.size === 1) this.#start();
    this.#send(response, sseRetry(this.#retryMs) + this.#frame(Date.now() - this.#intervalMs / 2));
  }

  /** Ends every stream and refuses new ones; the browsers retry elsewhere or later. */
  close(): void {
    this.#closed = true;
    this.#stop();
    for (const response of this.#clients) response.end();
    this.#clients.clear();
  }

  #start(): void {
    const tick = setInterval(() => this.#broadcast(this.#frame(Date.now())), this.#intervalMs);
    const heartbeat = setInterval(() => this.#broadcast(sseComment('heartbeat')), this.#heartbeatMs);
    // The server keeps the process alive while it listens; these timers need not.
    tick.unref();
    heartbeat.unref();
    this.#timers = [tick, heartbeat];
  }

  #stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#series.pause();
    this.#lastFrame = undefined;
  }

  #forget(response: ServerResponse): void {
    if (!this.#clients.delete(response)) return;
    if (this.#clients.size === 0) this.#stop();
  }

  /** The snapshot event, made anew unless the last one was made after `freshAfterMs`. */
  #frame(freshAfterMs: number): string {
    if (this.#lastFrame && this.#lastFrame.atMs > freshAfterMs) return this.#lastFrame.text;
    const now = Date.now();
    let text: string;
    try {
      const summary = this.#summary();
      this.#series.observe(summary, now);
      text = sseEvent(
        SNAPSHOT_EVENT,
        JSON.stringify(buildSnapshot(summary, this.#series.points)),
        String(++this.#sequence),
      );
    } catch (error) {
      // The stream outlives a failed summary; the page keeps its last numbers.
      return sseComment(`no snapshot: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#lastFrame = { atMs: now, text };
    return text;
  }

  #broadcast(text: string): void {
    for (const response of this.#clients) this.#send(response, text);
  }

  #send(response: ServerResponse, text: string): void {
    if (response.writableLength > this.#maxBuffered) {
      // A watcher that stopped reading: its buffer would otherwise grow by a snapshot a second.
      this.#forget(response);
      response.destroy();
      return;
    }
    response.write(text);
  }
}
