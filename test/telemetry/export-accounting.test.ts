import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { CountingBatchSpanProcessor, ExportAccounting } from '../../src/telemetry/export-accounting.ts';

/** An exporter whose exports complete only when the test says so, or fail. */
function controllableExporter(code: ExportResultCode): SpanExporter & { pending: Array<() => void>; release(): void } {
  const pending: Array<() => void> = [];
  let released = false;
  return {
    pending,
    export(_spans: ReadableSpan[], done: (result: ExportResult) => void) {
      if (released) done({ code });
      else pending.push(() => done({ code }));
    },
    release() {
      released = true;
      while (pending.length > 0) pending.shift()!();
    },
    shutdown: async () => {},
  };
}

describe('CountingBatchSpanProcessor', () => {
  it('sees the base class queue (an SDK upgrade that renames it must fail here)', () => {
    const processor = new CountingBatchSpanProcessor(
      { exporter: controllableExporter(ExportResultCode.SUCCESS) },
      new ExportAccounting(),
    );
    assert.equal(processor.queueVisible(), true, 'BatchSpanProcessorBase._finishedSpans is readable');
  });

  it('counts spans dropped because the queue is full', async () => {
    const accounting = new ExportAccounting();
    const exporter = controllableExporter(ExportResultCode.SUCCESS);
    const processor = new CountingBatchSpanProcessor(
      { exporter, maxQueueSize: 4, maxExportBatchSize: 4, scheduledDelayMillis: 60_000 },
      accounting,
    );
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 10; i++) tracer.startSpan(`s${i}`).end();
    assert.equal(
      accounting.queueDropped,
      2,
      'of 10 spans, 4 are in a stalled export, 4 fill the queue of 4, 2 are dropped',
    );
    assert.equal(accounting.dropped(), 2, 'dropped() includes queue drops');
    exporter.release();
    await provider.shutdown();
    assert.equal(accounting.exported, 8, 'the other 8 are delivered once the exporter recovers');
  });

  it('counts spans of failed exports, and delivered ones separately', async () => {
    const accounting = new ExportAccounting();
    const exporter = controllableExporter(ExportResultCode.FAILED);
    const processor = new CountingBatchSpanProcessor(
      { exporter, maxQueueSize: 100, maxExportBatchSize: 3, scheduledDelayMillis: 60_000 },
      accounting,
    );
    const provider = new TracerProvider({ spanProcessors: [processor] });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`).end();
    const flushed = processor.forceFlush();
    exporter.release();
    await flushed;
    await provider.shutdown();
    assert.equal(accounting.exportFailed, 3, 'three spans in a failed batch');
    assert.equal(accounting.exported, 0, 'nothing delivered');
    assert.equal(accounting.dropped(), 3, 'failed exports count as dropped');
  });
});
