/**
 * The span processor behind `amanuensis_span_duration_seconds`: every ended span's duration is
 * counted in its span name's bucket, and a sampled span (one the exporters send) becomes that
 * bucket's exemplar. onEnd runs for every span of every request, so it allocates nothing and
 * never throws (a failure here would break span.end() for the processors after it).
 */
import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { durationBucket } from './duration-buckets.ts';
import type { SpanDurationStore } from './span-duration-store.ts';

const SAMPLED = TraceFlags.SAMPLED;

/** Records span durations (seconds) and exemplars; see the module comment. */
export class SpanMetricsProcessor implements SpanProcessor {
  readonly #store: SpanDurationStore;
  readonly #onShutdown: () => Promise<void>;

  /** @param onShutdown stops the metrics pipeline when the tracer provider shuts down. */
  constructor(store: SpanDurationStore, onShutdown: () => Promise<void>) {
    this.#store = store;
    this.#onShutdown = onShutdown;
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    try {
      const duration = span.duration;
      const seconds = duration[0] + duration[1] / 1e9;
      if (!(seconds >= 0)) return;
      const store = this.#store;
      const slot = store.slotFor(span.name);
      const bucket = durationBucket(seconds);
      store.count(slot, bucket, seconds);
      const context = span.spanContext();
      if ((context.traceFlags & SAMPLED) === 0) return;
      const end = span.endTime;
      store.exemplify(slot, bucket, seconds, context.traceId, context.spanId, end[0] + end[1] / 1e9);
    } catch {
      // Metrics are best effort; the span itself is exported by the other processors.
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.#onShutdown();
  }
}
