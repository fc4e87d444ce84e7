/**
 * Counts the spans that never reach the backend: those the BatchSpanProcessor drops because its
 * queue is full, and those in batches the exporter failed to deliver. The SDK only logs these, and
 * /health and the span summary must report them.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  type BatchSpanProcessorOptions,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';

/** Running totals shared by the exporter wrapper and the processor. */
export class ExportAccounting {
  queueDropped = 0;
  exportFailed = 0;
  exported = 0;

  /** Spans lost so far, for any reason. */
  dropped(): number {
    return this.queueDropped + this.exportFailed;
  }
}

/** Wraps an exporter to count delivered and failed spans; delegates everything else. */
export function countingExporter(inner: SpanExporter, accounting: ExportAccounting): SpanExporter {
  return {
    export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
      inner.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) accounting.exported += spans.length;
        else accounting.exportFailed += spans.length;
        resultCallback(result);
      });
    },
    shutdown: () => inner.shutdown(),
    ...(inner.forceFlush ? { forceFlush: () => inner.forceFlush!() } : {}),
  };
}

interface QueueInternals {
  _finishedSpans?: unknown[];
}

/**
 * A BatchSpanProcessor that counts queue-full drops. It reads the base class's queue length, a
 * private field; test/telemetry/export-accounting.test.ts fails if an SDK upgrade renames it.
 */
export class CountingBatchSpanProcessor extends BatchSpanProcessor {
  private readonly accounting: ExportAccounting;
  private readonly queueLimit: number;

  constructor(options: BatchSpanProcessorOptions, accounting: ExportAccounting) {
    super({ ...options, exporter: countingExporter(options.exporter, accounting) });
    this.accounting = accounting;
    this.queueLimit = options.maxQueueSize ?? 2048;
  }

  override onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & 1) === 1) {
      const queue = (this as unknown as QueueInternals)._finishedSpans;
      if (queue !== undefined && queue.length >= this.queueLimit) this.accounting.queueDropped++;
    }
    super.onEnd(span);
  }

  /** Whether the queue is visible to the counter (false would mean an SDK change broke it). */
  queueVisible(): boolean {
    return Array.isArray((this as unknown as QueueInternals)._finishedSpans);
  }
}
