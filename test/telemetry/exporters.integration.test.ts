/**
 * OTEL_TRACES_EXPORTER as a list: the service started with `otlp,console` sends its spans to an
 * OTLP receiver in another process and prints them on stdout, both.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureOutput, clipWav } from '../reliability/helpers.ts';
import { startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, startService, transcribe } from '../support/service.ts';

describe('OTEL_TRACES_EXPORTER', () => {
  it('honours the whole list: otlp,console exports to the receiver and prints to stdout', async () => {
    const receiver = await startReceiver();
    const service = await startService([], { ...otlpEnv(receiver.url), OTEL_TRACES_EXPORTER: 'otlp,console' });
    const output = captureOutput(service.child);
    try {
      const response = await transcribe(service.url, clipWav('1s'));
      assert.equal(response.status, 200, 'transcribed');
      await response.arrayBuffer();
      const spans = await receiver.waitForSpans((received) => received.some((span) => span.name === 'transcribe'));
      assert.ok(
        spans.some((span) => span.name === 'mel'),
        'the receiver got the request spans',
      );
      assert.equal(await service.stop(), 0, 'clean exit (flushes both exporters)');
      assert.match(output(), /name: 'transcribe'/, 'the console exporter printed the same spans');
    } finally {
      await service.stop();
      await receiver.close();
    }
  });
});
