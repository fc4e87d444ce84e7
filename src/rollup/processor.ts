/**
 * RollupSpanProcessor: a SpanProcessor that turns span durations into percentile statistics per
 * span name and per path, and requests into unattributed time, tail attribution and kept trees, in
 * bounded memory, beside the exporting processor.
 *
 * The span's own path does almost nothing: onStart marks the span context as this processor's
 * (so a child can tell a local parent from another provider's), onEnd puts the span into a
 * preallocated ring. The ring is aggregated in batches (span-aggregator.ts), as the SDK's
 * BatchSpanProcessor exports: on the next turn of the event loop once it is half full, at once
 * when it is full, on an unref'd timer, and before every read (summary, rotate, reset, flush), so
 * every reader sees every span that ended. Neither hook throws: MultiSpanProcessor does not
 * catch, so a throw here would break span.end() for every processor after this one. Internal
 * errors are counted in the document instead. The aggregation, windows and document are the
 * RollupEngine's (rollup-engine.ts); this class is the SDK's side of it.
 */
import { type Context, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanSummaryDocument } from './document.ts';
import { RollupEngine, type RollupEngineOptions, type SummaryOptions } from './rollup-engine.ts';
import { SpanNode } from './span-node.ts';

export type { SummaryOptions } from './rollup-engine.ts';

export interface RollupSpanProcessorOptions extends Omit<RollupEngineOptions, 'completionWaitMs'> {
  /** @deprecated Ignored: spans keep no state while in flight (see `batchSize`). */
  maxInFlight?: number;
  /** Ended spans held before they are aggregated in one batch (also on a timer and before every
   *  read). Default 2048. */
  batchSize?: number;
}

const INTERNAL: number = SpanKind.INTERNAL;
const STATUS_ERROR: number = SpanStatusCode.ERROR;
const SAMPLED: number = TraceFlags.SAMPLED;

/** A span context as the SDK makes it: a plain extensible object. */
type Tagged = Record<symbol, number | undefined>;

/** Percentile rollups of span durations per name and per path; `summary()` returns the document. */
export class RollupSpanProcessor implements SpanProcessor {
  /** Marks the span contexts of spans this processor saw start. */
  readonly #tag = Symbol('amanuensis rollup');
  readonly #ring: (ReadableSpan | undefined)[];
  #ended = 0;
  /** Ended spans at which onEnd next acts: half the ring (schedule a batch), then all of it (run it). */
  #actAt: number;
  #scheduled = false;
  readonly #engine: RollupEngine;

  constructor(options: RollupSpanProcessorOptions = {}) {
    const batchSize = options.batchSize ?? 2048;
    if (!(Number.isInteger(batchSize) && batchSize > 0 && batchSize <= 1 << 20))
      throw new RangeError(`batchSize must be an integer from 1 to ${1 << 20}, got ${batchSize}`);
    this.#ring = new Array<ReadableSpan | undefined>(batchSize).fill(undefined);
    this.#actAt = Math.max(1, batchSize >> 1);
    const { batchSize: _batch, maxInFlight: _inFlight, ...engineOptions } = options;
    // The engine's timers hold it weakly, so a processor dropped without shutdown() is still collected.
    this.#engine = new RollupEngine(engineOptions, () => this.#drain());
  }

  onStart(span: Span, _parentContext: Context): void {
    try {
      (span.spanContext() as unknown as Tagged)[this.#tag] = 1;
    } catch {
      // A frozen context: its children will take it for another provider's span.
      this.#engine.aggregator.window.counters.inFlightOverflow++;
    }
  }

  onEnd(span: ReadableSpan): void {
    const ended = this.#ended;
    this.#ring[ended] = span;
    this.#ended = ended + 1;
    if (ended + 1 >= this.#actAt) this.#filling();
  }

  /** The summary document: cumulative (default) or the last interval. */
  summary(options: SummaryOptions = {}): SpanSummaryDocument {
    return this.#engine.summary(options);
  }

  /** Ends the current interval window, returns its document and starts the next one. */
  rotate(): SpanSummaryDocument {
    return this.#engine.rotate();
  }

  /** Forgets all statistics and counters and starts over, warm-up included. Spans that ended
   *  before are forgotten; those still waiting for their local root count once it ends. */
  reset(): void {
    this.#engine.reset();
  }

  forceFlush(): Promise<void> {
    this.#drain();
    return Promise.resolve();
  }

  /** Aggregates everything, waiting spans included, and stops the timers. */
  shutdown(): Promise<void> {
    this.#engine.shutdown();
    return Promise.resolve();
  }

  /** Half full: aggregate on the next turn; full: now. */
  #filling(): void {
    if (this.#ended >= this.#ring.length) {
      this.#drain();
      return;
    }
    this.#actAt = this.#ring.length;
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  /** Aggregates the spans in the ring, in the order they ended. */
  #drain(): void {
    this.#scheduled = false;
    this.#actAt = Math.max(1, this.#ring.length >> 1);
    const ended = this.#ended;
    if (ended === 0) return;
    this.#ended = 0;
    const ring = this.#ring;
    const now = Date.now();
    for (let i = 0; i < ended; i++) {
      const span = ring[i];
      ring[i] = undefined;
      try {
        this.#engine.add(this.#node(span!), now);
      } catch {
        this.#engine.aggregator.window.counters.internalErrors++;
      }
    }
  }

  /** The adapter: a ReadableSpan as the node the engine takes. */
  #node(span: ReadableSpan): SpanNode {
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    const start = span.startTime;
    const duration = span.duration;
    let durationMs = duration[0] * 1e3 + duration[1] / 1e6;
    if (!(durationMs >= 0 && durationMs < Infinity)) durationMs = 0;
    return new SpanNode(
      context.traceId,
      context.spanId,
      parent?.spanId ?? '',
      parent === undefined || parent.isRemote === true || (parent as unknown as Tagged)[this.#tag] !== 1,
      span.name,
      span.kind === INTERNAL,
      start[0] * 1e3 + start[1] / 1e6,
      durationMs,
      span.status.code === STATUS_ERROR,
      (context.traceFlags & SAMPLED) !== 0,
    );
  }
}
