/**
 * The OpenTelemetry GenAI attributes on `transcribe`, read from what the service exported: the
 * model the client asked for, the model that answered, and the transcript's token count.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeClip } from '../../src/audio/clips.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, startService, transcribe } from '../support/service.ts';

describe('GenAI attributes', () => {
  it('puts gen_ai.request.model, gen_ai.response.model and gen_ai.usage.output_tokens on transcribe', async () => {
    const receiver = await startReceiver();
    const service = await startService([], { ...otlpEnv(receiver.url), OTEL_TRACES_EXPORTER: 'otlp' });
    try {
      const response = await transcribe(service.url, encodeWav(makeClip('1s'), 16000), {
        response_format: 'verbose_json',
      });
      const body = (await response.json()) as { segments: Array<{ tokens: number[] }> };
      const tokens = body.segments.reduce((sum, segment) => sum + segment.tokens.length, 0);
      const spans = await receiver.waitForSpans((all) => all.some((span) => span.name === 'transcribe'));
      const span = spans.find((s) => s.name === 'transcribe')!;
      assert.equal(span.attributes['gen_ai.request.model'], 'whisper-1', 'the model the client sent');
      assert.equal(span.attributes['gen_ai.response.model'], 'reference-synthetic', 'the model that answered');
      assert.equal(span.attributes['gen_ai.usage.output_tokens'], tokens, 'the tokens of the answer');
      assert.ok(tokens > 0, 'the clip gave tokens');
    } finally {
      await service.stop();
      await receiver.close();
    }
  });
});
