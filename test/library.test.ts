/**
 * The package's main export used the way the README shows: rollups beside an application's own
 * exporter in a NodeSDK setup, with no part of our service involved. It imports the sources;
 * test/package runs the README's example against the packed, installed package.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { mergeSummaries, RollupSpanProcessor, stage } from '../src/index.ts';

describe('amanuensis-otel as a library', () => {
  it('adds percentile rollups to an existing NodeSDK setup', async () => {
    const exporter = new InMemorySpanExporter();
    const rollups = new RollupSpanProcessor({ serviceName: 'checkout' });
    const appProcessor = new SimpleSpanProcessor({ exporter });
    const sdk = new NodeSDK({
      serviceName: 'checkout',
      spanProcessors: [rollups, appProcessor],
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    try {
      const tracer = trace.getTracer('app');
      for (let i = 0; i < 50; i++) {
        tracer.startActiveSpan('handle', (span) => {
          stage('handle.db', 'coarse', () => undefined);
          span.end();
        });
      }
      const summary = rollups.summary();
      const handle = summary.spans.find((s) => s.name === 'handle');
      assert.equal(handle?.count, 50, 'every span counted');
      assert.ok(handle!.p50_ms <= handle!.p99_ms && handle!.p99_ms <= handle!.max_ms, 'monotone quantiles within max');
      assert.ok(
        summary.paths.some((p) => p.path === 'handle/handle.db'),
        'stage nested under the app span by path',
      );
      await appProcessor.forceFlush();
      assert.equal(exporter.getFinishedSpans().length, 100, 'the application exporter still gets every span');
      assert.equal(
        mergeSummaries([summary, summary]).spans.find((s) => s.name === 'handle')?.count,
        100,
        'merge adds counts',
      );
    } finally {
      await sdk.shutdown();
    }
  });
});
