import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TranscribeRequest } from '../../src/engine/engine.ts';
import { windowCount } from '../../src/engine/reference/windowed.ts';
import { speechLike } from './audio.ts';
import { oneTaskDecode } from './one-task.ts';
import { useReferenceEngine } from './reference-engine.ts';

const engine = useReferenceEngine();

describe('reference engine over long audio, one pool task per 30 s window', () => {
  // 35 s and an odd tail: a full window, a short last one, and samples past the last mel frame.
  const pcm = speechLike(35.0071, 3);
  const base: TranscribeRequest = {
    pcm,
    durationS: pcm.length / 16000,
    language: undefined,
    prompt: 'A prompt before.',
    temperature: 0,
    wordTimestamps: true,
  };

  it('splits the audio into windows', () => {
    assert.equal(windowCount(pcm.length), 2, 'two windows');
    assert.equal(windowCount(16000 * 30), 1, '30 s is one window');
  });

  // Sampling (temperature > 0) carries the generator's state from window to window, greedy decoding does not need it.
  it("returns the one-task path's transcript, sampling at temperature 0.4", async () => {
    const request = { ...base, temperature: 0.4 };
    const expected = oneTaskDecode(request);
    const { transcript } = await engine().transcribe(request, new AbortController().signal);
    assert.ok(
      expected.transcript.segments.some((s) => s.seek > 0),
      'the audio has speech in its second window',
    );
    assert.deepEqual(transcript, expected.transcript, 'same text, segments, timestamps and words');
  });
});
