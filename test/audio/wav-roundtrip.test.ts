import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseWav } from '../../src/audio/wav.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { PCM_ENCODINGS, type PcmEncoding } from '../../src/audio/wav-format.ts';
import { ESPEAK_RATE_HZ, speechWav } from '../support/speech.ts';

const run = promisify(execFile);

/** Largest error quantisation may add per sample: half a step, plus float32 rounding of the result. */
const TOLERANCE: Record<PcmEncoding, number> = {
  pcm_u8: 0.5 / 128 + 1e-7,
  pcm_s16: 0.5 / 32768 + 1e-7,
  pcm_s24: 0.5 / 8388608 + 1e-7,
  pcm_s32: 1e-7,
  float32: 1e-7,
  float64: 1e-7,
};

/** Interleaved test frames: channel c carries a different tone, amplitude inside [-1, 1). */
function frames(count: number, channels: number, rateHz: number): Float32Array {
  const out = new Float32Array(count * channels);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < channels; c++)
      out[i * channels + c] = 0.9 * Math.sin((2 * Math.PI * (110 + 97 * c) * i) / rateHz + c);
  }
  return out;
}

function monoOf(interleaved: Float32Array, channels: number): Float64Array {
  const mono = new Float64Array(interleaved.length / channels);
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c]!;
    mono[i] = sum / channels;
  }
  return mono;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'same length');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('encodeWav -> parseWav round trips', () => {
  for (const encoding of PCM_ENCODINGS) {
    for (const channels of [1, 2, 3, 8, 32]) {
      for (const rate of [1000, 16000, 22050, 44100, 384000]) {
        it(`${encoding}, ${channels} channel(s), ${rate} Hz`, () => {
          const count = Math.max(16, Math.round(rate / 200));
          const input = frames(count, channels, rate);
          const wav = parseWav(encodeWav(input, rate, { encoding, channels, extensible: channels > 2 }));
          assert.equal(wav.encoding, encoding, 'encoding');
          assert.equal(wav.channels, channels, 'channels');
          assert.equal(wav.sampleRateHz, rate, 'rate');
          assert.equal(wav.durationS, count / rate, 'duration');
          const error = maxDiff(wav.samples, monoOf(input, channels));
          assert.ok(error <= TOLERANCE[encoding], `max error ${error} within the quantisation step`);
        });
      }
    }
  }

  it('clips out-of-range integer samples instead of wrapping', () => {
    const wav = parseWav(encodeWav(Float32Array.of(1.5, -1.5, 1), 16000, { encoding: 'pcm_s16' }));
    assert.deepEqual(Array.from(wav.samples), [32767 / 32768, -1, 32767 / 32768], 'saturated');
  });

  it('writes the pad byte for an odd-sized data chunk', () => {
    const bytes = encodeWav(Float32Array.of(0, 0.5, -0.5), 8000, { encoding: 'pcm_u8' });
    assert.equal(bytes.length % 2, 0, 'whole file even-sized');
    assert.equal(parseWav(bytes).samples.length, 3, 'three samples');
  });

  it('refuses sample counts that are not whole frames', () => {
    assert.throws(
      () => encodeWav(new Float32Array(3), 16000, { channels: 2 }),
      RangeError,
      'three samples are not stereo frames',
    );
  });
});

describe('real espeak-ng speech', () => {
  const text = 'Amanuensis answers real speech, one trace per request.';

  it('parses espeak-ng output at 22050 Hz to the duration soxi reports', async () => {
    const bytes = await speechWav(text);
    const wav = parseWav(bytes);
    assert.equal(wav.sampleRateHz, ESPEAK_RATE_HZ, 'espeak-ng native rate');
    assert.equal(wav.encoding, 'pcm_s16', '16-bit');
    const dir = await mkdtemp(join(tmpdir(), 'amanuensis-wav-'));
    try {
      const path = join(dir, 'speech.wav');
      await writeFile(path, bytes);
      const { stdout } = await run('soxi', ['-s', path]);
      assert.equal(wav.samples.length, Number(stdout.trim()), 'sample count as soxi reads it');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.ok(wav.durationS > 2 && wav.durationS < 6, `a sentence lasts seconds, got ${wav.durationS}`);
    const peak = wav.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(peak > 0.1, 'audible');
  });

  it('decodes the same speech identically from every sox encoding and channel layout', async () => {
    const reference = parseWav(await speechWav(text)).samples;
    const variants: [PcmEncoding, number][] = [
      ['pcm_u8', 2],
      ['pcm_s24', 3],
      ['pcm_s32', 1],
      ['float32', 2],
      ['float64', 6],
    ];
    for (const [encoding, channels] of variants) {
      const wav = parseWav(await speechWav(text, { encoding, channels }));
      assert.equal(wav.encoding, encoding, `${encoding} encoding`);
      assert.equal(wav.channels, channels, `${encoding} channels`);
      const error = maxDiff(wav.samples, reference);
      assert.ok(
        error <= (encoding === 'pcm_u8' ? 1 / 128 : 1e-6),
        `${encoding} x ${channels}: max difference ${error}`,
      );
    }
  });
});
