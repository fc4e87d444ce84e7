import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { audioDurationS, DEADLINE_MARGIN, ProcessingRate } from '../../src/service/processing-rate.ts';

describe('ProcessingRate', () => {
  it('keeps the configured timeout until a request was measured', () => {
    const rate = new ProcessingRate();
    assert.equal(rate.secondsPerAudioS, undefined, 'no estimate');
    assert.equal(rate.deadlineMs(600, 120_000), 120_000, 'the base deadline');
  });

  it('scales the deadline of long audio to its cost at the measured pace, never below the base', () => {
    const rate = new ProcessingRate();
    rate.completed(120, 33.6);
    assert.equal(rate.secondsPerAudioS, 0.28, 'seconds per audio second');
    assert.equal(rate.deadlineMs(600, 120_000), Math.ceil(DEADLINE_MARGIN * 0.28 * 600 * 1000), 'scaled');
    assert.equal(rate.deadlineMs(10, 120_000), 120_000, 'short audio keeps the base');
    assert.equal(rate.deadlineMs(undefined, 120_000), 120_000, 'unknown duration keeps the base');
  });

  it('weights requests by duration and takes a timeout as a floor, not as a sample', () => {
    const rate = new ProcessingRate();
    rate.timedOut(30, 3);
    assert.equal(rate.secondsPerAudioS, 0.1, 'a timeout alone gives a lower bound');
    rate.completed(10, 3);
    assert.equal(rate.secondsPerAudioS, 0.3, 'the completed request is the estimate, undiluted by the bound');
    rate.completed(100, 20);
    assert.ok(
      Math.abs(rate.secondsPerAudioS! - (3 * 0.9 + 20) / (10 * 0.9 + 100)) < 1e-12,
      'a ratio of duration-weighted sums',
    );
  });
});

describe('audioDurationS', () => {
  it('reads the duration from the WAV header, undefined for anything else', () => {
    assert.equal(audioDurationS(encodeWav(new Float32Array(24_000), 16_000)), 1.5, '1.5 s');
    assert.equal(audioDurationS(new Uint8Array([1, 2, 3])), undefined, 'not a WAV');
  });
});
