/**
 * `--forward URL`: every accepted export goes on, unchanged (the bytes as received, with their
 * Content-Type and Content-Encoding), to another OTLP/HTTP endpoint, so that `collect` can sit in
 * an existing pipeline in front of Jaeger or a Collector. Exports wait in a bounded queue (by
 * count and by bytes); one that finds it full is dropped, counted, rather than slowing the
 * receiver or growing without end. A failed send is retried twice when the answer says it may
 * succeed later (429, 502, 503, 504, a network error), then counted as failed.
 */
import type { RawExport } from './http-receiver.ts';

export interface ForwarderOptions {
  /** The OTLP/HTTP traces endpoint; a URL without a path gets `/v1/traces`. */
  url: string;
  /** Exports waiting at most. Default 512. */
  maxQueued?: number;
  /** Bytes waiting at most. Default 64 MiB. */
  maxQueuedBytes?: number;
  /** Sends in flight at once. Default 4. */
  concurrency?: number;
  /** Time one send may take. Default 10 000 ms. */
  timeoutMs?: number;
}

/** What the forwarder has done, for /health and /metrics. */
export interface ForwardCounters {
  /** Exports the endpoint accepted. */
  sent: number;
  /** Exports that found the queue full, and their spans. */
  dropped: number;
  droppedSpans: number;
  /** Exports the endpoint refused, or that could not be sent after the retries (or by close). */
  failed: number;
  failedSpans: number;
}

const RETRY_DELAYS_MS = [100, 500];
const RETRYABLE = new Set([429, 502, 503, 504]);

/** The traces endpoint of `url`: as given, or with `/v1/traces` when it names no path. */
export function tracesEndpoint(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`not an http(s) URL: ${url}`);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/v1/traces';
  return parsed.toString();
}

/** Forwards exports in the background; see the module comment. */
export class Forwarder {
  readonly url: string;
  readonly counters: ForwardCounters = { sent: 0, dropped: 0, droppedSpans: 0, failed: 0, failedSpans: 0 };
  readonly #queue: RawExport[] = [];
  #queuedBytes = 0;
  #inFlight = 0;
  #closing = false;
  readonly #maxQueued: number;
  readonly #maxQueuedBytes: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  /** Resolved when the queue and the sends in flight are empty. */
  #idle: (() => void)[] = [];
  readonly #aborts = new Set<AbortController>();

  constructor(options: ForwarderOptions) {
    this.url = tracesEndpoint(options.url);
    this.#maxQueued = options.maxQueued ?? 512;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
    this.#concurrency = options.concurrency ?? 4;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Exports waiting. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues `item`, or drops it (counted) when the queue is full or closing. */
  offer(item: RawExport): void {
    if (
      this.#closing ||
      this.#queue.length >= this.#maxQueued ||
      this.#queuedBytes + item.body.length > this.#maxQueuedBytes
    ) {
      this.counters.dropped++;
      this.counters.droppedSpans += item.spans;
      return;
    }
    this.#queue.push(item);
    this.#queuedBytes += item.body.length;
    this.#pump();
  }

  /** Sends what waits for at most `graceMs`, then gives up the rest (counted as failed). */
  async close(graceMs: number): Promise<void> {
    this.#closing = true;
    if (this.#queue.length > 0 || this.#inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const item of this.#queue.splice(0)) this.#fail(item);
    this.#queuedBytes = 0;
    for (const abort of this.#aborts) abort.abort();
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const item = this.#queue.shift()!;
      this.#queuedBytes -= item.body.length;
      this.#inFlight++;
      void this.#send(item).finally(() => {
        this.#inFlight--;
        this.#pump();
        if (this.#inFlight === 0 && this.#queue.length === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }

  async #send(item: RawExport): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const abort = new AbortController();
      this.#aborts.add(abort);
      const timer = setTimeout(() => abort.abort(), this.#timeoutMs);
      let retryable: boolean;
      try {
        const headers: Record<string, string> = { 'content-type': item.contentType };
        if (item.contentEncoding) headers['content-encoding'] = item.contentEncoding;
        const response = await fetch(this.url, { method: 'POST', headers, body: item.body, signal: abort.signal });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) {
          this.counters.sent++;
          return;
        }
        retryable = RETRYABLE.has(response.status);
      } catch {
        retryable = !abort.signal.aborted || !this.#closing;
      } finally {
        clearTimeout(timer);
        this.#aborts.delete(abort);
      }
      const delay = RETRY_DELAYS_MS[attempt];
      if (!retryable || delay === undefined || this.#closing) {
        this.#fail(item);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  #fail(item: RawExport): void {
    this.counters.failed++;
    this.counters.failedSpans += item.spans;
  }
}
