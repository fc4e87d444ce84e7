import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TranscribeRequest } from '../../src/engine/engine.ts';
import { ATTR, SPAN } from '../../src/telemetry/names.ts';
import { installTestTracing } from '../support/tracing.ts';
import { silence, speechLike } from './audio.ts';
import { oneTaskDecode } from './one-task.ts';
import { useReferenceEngine } from './reference-engine.ts';
import { childrenOf, withRoot } from './span-tree.ts';

const RATE_HZ = 16000;
const tracing = installTestTracing({ detail: 'medium' });
const engine = useReferenceEngine();
after(() => tracing.shutdown());

/** 65 s: speech at 1 to 4 s (window 0) and at 61 to 64 s (window 2), none in window 1. */
function speechInFirstAndLast(): Float32Array {
  const pcm = silence(65);
  pcm.set(speechLike(3, 4), 1 * RATE_HZ);
  pcm.set(speechLike(3, 5), 61 * RATE_HZ);
  return pcm;
}

describe('reference engine over long audio, encoder and decoder taking turns', () => {
  it("decodes each window with speech once it is encoded, with the one-task path's transcript at temperature 0", async () => {
    const pcm = speechInFirstAndLast();
    const request: TranscribeRequest = {
      pcm: pcm.slice(),
      durationS: pcm.length / RATE_HZ,
      language: undefined,
      prompt: undefined,
      temperature: 0,
      wordTimestamps: true,
    };
    const expected = oneTaskDecode({ ...request, pcm });

    tracing.reset();
    const { result, root } = await withRoot(tracing.exporter, SPAN.TRANSCRIBE, () =>
      engine().transcribe(request, new AbortController().signal),
    );
    assert.deepEqual(result.transcript, expected.transcript, 'same text, segments, timestamps and words');
    assert.deepEqual(
      [...new Set(expected.transcript.segments.map((segment) => segment.seek))],
      [0, 6000],
      'speech in the first and the last window',
    );

    const stages = childrenOf(tracing.spans(), root);
    assert.deepEqual(
      stages.map((span) => span.name),
      [SPAN.MEL, SPAN.ENCODER, SPAN.DECODER, SPAN.ENCODER, SPAN.DECODER],
      'mel, then the first window encoded and decoded, then the other two encoded and the last decoded',
    );
    const [, first, firstDecoder, rest, lastDecoder] = stages;
    assert.equal(first!.attributes[ATTR.NPU_LAUNCHES], 1, 'one pass before the first decoder');
    assert.equal(rest!.attributes[ATTR.NPU_LAUNCHES], 2, 'the window without speech and the last one');
    const tokens = [firstDecoder!, lastDecoder!].map((span) => Number(span.attributes[ATTR.DECODER_TOKENS]));
    assert.ok(
      tokens.every((count) => count > 0),
      `tokens in each decoder span (${tokens})`,
    );
    assert.equal(tokens[0]! + tokens[1]!, expected.tokens, "the decoder spans' tokens add up to the transcript's");
    const ms = (span: (typeof stages)[number]) => span.duration[0] * 1e3 + span.duration[1] / 1e6;
    const decoderMs = result.timing.decoder_ms ?? 0;
    assert.ok(
      decoderMs >= ms(firstDecoder!) + ms(lastDecoder!) - 1 && decoderMs <= ms(root),
      `decoder time (${decoderMs.toFixed(1)} ms) covers both decoder spans, within the request`,
    );
  });
});
