import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resampledLength, resampleStreamTo16k, resampleTo16k } from '../../src/audio/resample.ts';

function tone(seconds: number, rateHz: number, hz: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * rateHz) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rateHz),
  );
}

/** RMS over the middle, away from the zero-padded edges the filter sees. */
function middleRms(samples: Float32Array): number {
  const from = Math.floor(samples.length * 0.2);
  const to = Math.floor(samples.length * 0.8);
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! ** 2;
  return Math.sqrt(sum / (to - from));
}

describe('resampleTo16k', () => {
  it('returns 16 kHz input unchanged (no copy)', () => {
    const input = tone(0.1, 16000, 440);
    assert.equal(resampleTo16k(input, 16000), input, 'same array');
  });

  it('produces round(n * 16000 / rate) samples', () => {
    for (const rate of [1000, 8000, 11025, 22050, 44100, 48000, 44101, 96000, 384000]) {
      for (const n of [0, 1, 2, 3, 7, 1001, rate]) {
        const expected = Math.round((n * 16000) / rate);
        assert.equal(resampledLength(n, rate), expected, `length formula, ${n} samples at ${rate} Hz`);
        assert.equal(resampleTo16k(new Float32Array(n), rate).length, expected, `${n} samples at ${rate} Hz`);
      }
    }
  });

  for (const rate of [8000, 22050, 44100, 48000]) {
    for (const hz of [440, 3000, 6500]) {
      if (hz >= (rate / 2) * 0.85) continue;
      it(`keeps a ${hz} Hz tone from ${rate} Hz in amplitude and phase`, () => {
        const out = resampleTo16k(tone(0.5, rate, hz), rate);
        const ideal = tone(0.5, 16000, hz);
        const from = Math.floor(out.length * 0.2);
        const to = Math.floor(out.length * 0.8);
        let error = 0;
        for (let i = from; i < to; i++) error = Math.max(error, Math.abs(out[i]! - ideal[i]!));
        assert.ok(error < 0.5 * 0.02, `max deviation ${error} from the ideal 16 kHz samples (amplitude 0.5)`);
        const gain = middleRms(out) / middleRms(ideal);
        assert.ok(Math.abs(gain - 1) < 0.02, `gain ${gain}`);
      });
    }
  }

  for (const rate of [44100, 48000]) {
    for (const hz of [8500, 9000, 12000, 20000]) {
      it(`attenuates a ${hz} Hz tone from ${rate} Hz by at least 40 dB`, () => {
        const input = tone(0.5, rate, hz);
        const out = resampleTo16k(input, rate);
        const attenuationDb = 20 * Math.log10(middleRms(input) / middleRms(out));
        assert.ok(attenuationDb >= 40, `${attenuationDb.toFixed(1)} dB`);
      });
    }
  }

  it('handles non-integer ratios with no phase drift (44101 Hz, 12345 Hz)', () => {
    for (const rate of [44101, 12345]) {
      const out = resampleTo16k(tone(1, rate, 1000), rate);
      const ideal = tone(1, 16000, 1000);
      let error = 0;
      for (let i = 3200; i < out.length - 3200; i++) error = Math.max(error, Math.abs(out[i]! - ideal[i]!));
      assert.ok(error < 0.01, `${rate} Hz: max deviation ${error} even at the end of a second`);
    }
  });

  it('gives the same samples with precomputed phases and with per-sample taps', () => {
    for (const rate of [8000, 22050, 44100]) {
      const input = Float32Array.from({ length: rate / 10 }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011));
      assert.deepEqual(resampleTo16k(input, rate, { method: 'direct' }), resampleTo16k(input, rate), `${rate} Hz`);
    }
  });

  it('keeps DC at unit gain', () => {
    for (const rate of [8000, 44100, 48000]) {
      const out = resampleTo16k(new Float32Array(rate).fill(0.25), rate);
      assert.ok(Math.abs(out[out.length >> 1]! - 0.25) < 1e-4, `${rate} Hz: ${out[out.length >> 1]}`);
    }
  });

  it('rejects a rate that is not a positive integer', () => {
    assert.throws(() => resampleTo16k(new Float32Array(4), 0), RangeError, 'zero');
    assert.throws(() => resampleTo16k(new Float32Array(4), 44100.5), RangeError, 'fractional');
  });
});

describe('resampleStreamTo16k', () => {
  it('gives the same samples as resampleTo16k while reading the input a stretch at a time', () => {
    for (const rate of [8000, 11025, 44100, 7919]) {
      // Ten seconds make 160000 outputs: several stretches.
      for (const n of [1, 5, 40000, rate * 10 + 1]) {
        const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * Math.cos(i * 0.011));
        let longest = 0;
        const out = resampleStreamTo16k(n, rate, (start, into) => {
          longest = Math.max(longest, into.length);
          into.set(input.subarray(start, start + into.length));
        });
        assert.deepEqual(out, resampleTo16k(input, rate), `${n} samples at ${rate} Hz`);
        assert.ok(n < rate * 10 || longest < n / 2, `${n} samples at ${rate} Hz: read ${longest} at once`);
      }
    }
  });
});
