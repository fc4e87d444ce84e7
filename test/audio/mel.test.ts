import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BLOCK_FRAMES, HANN_400, logMelSpectrogram } from '../../src/audio/mel.ts';
import { hzToMel, melToHz, slaneyMelFilters, toSparse } from '../../src/audio/mel-filters.ts';
import { parseWav } from '../../src/audio/wav.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { StageRecorder } from '../../src/telemetry/recorder.ts';
import { speechWav } from '../support/speech.ts';
import { referenceFilters, referenceLogMel } from './mel-reference.ts';

const TOLERANCE = 1e-4;

function maxAbsError(got: Float32Array, frames: number, want: number[][]): number {
  let max = 0;
  for (let m = 0; m < want.length; m++) {
    for (let t = 0; t < frames; t++) max = Math.max(max, Math.abs(got[m * frames + t]! - want[m]![t]!));
  }
  return max;
}

function seededNoise(length: number, seed: number, amplitude: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return amplitude * (state / 2 ** 31 - 1);
  });
}

function tone(length: number, hz: number, amplitude: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / 16000));
}

describe('Slaney mel filters', () => {
  const bank = slaneyMelFilters({ sampleRateHz: 16000, nFft: 400, nMels: 80 });
  const row = (m: number): Float64Array => bank.weights.subarray(m * 201, (m + 1) * 201);

  it('has the 80 x 201 shape (and 128 x 201 for large-v3)', () => {
    assert.equal(bank.weights.length, 80 * 201, '80 mels by 201 rfft bins');
    assert.equal(
      slaneyMelFilters({ sampleRateHz: 16000, nFft: 400, nMels: 128 }).weights.length,
      128 * 201,
      '128 mels',
    );
  });

  it("equals librosa's published values (Hugging Face WhisperFeatureExtractor.mel_filters)", () => {
    const points: [number, number, number][] = [
      [0, 1, 0.024862593984176087],
      [1, 2, 0.022871772096078016],
      [79, 190, 0.0022320550527126443],
      [79, 199, 0.00044875902758905584],
    ];
    for (const [m, k, value] of points) {
      assert.ok(Math.abs(row(m)[k]! - value) <= 1e-12 * value, `filter ${m} bin ${k}: ${row(m)[k]} vs ${value}`);
    }
    // Row sums of the same bank, as published alongside it.
    const sums: [number, number][] = [
      [0, 0.024862593984176],
      [40, 0.026664860534783],
      [79, 0.024925339738859],
    ];
    for (const [m, sum] of sums) {
      const got = row(m).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(got - sum) <= 1e-9 * sum, `row ${m} sum ${got} vs ${sum}`);
    }
  });

  it('agrees with the independent reference bank everywhere', () => {
    const reference = referenceFilters(80);
    for (let m = 0; m < 80; m++) {
      for (let k = 0; k < 201; k++) assert.ok(Math.abs(row(m)[k]! - reference[m]![k]!) < 1e-12, `filter ${m} bin ${k}`);
    }
  });

  it('normalises each triangle to unit area in Hz (Slaney norm)', () => {
    // The continuous triangle between edges f(m) and f(m+2) has height 2 / (f(m+2) - f(m)): area 1.
    // Sampled at 40 Hz bins the sum approximates it once a filter spans enough bins.
    const top = hzToMel(8000);
    for (let m = 0; m < 80; m++) {
      const width = melToHz((top * (m + 2)) / 81) - melToHz((top * m) / 81);
      const area = row(m).reduce((a, b) => a + b, 0) * 40;
      if (width >= 400)
        assert.ok(Math.abs(area - 1) < 0.02, `filter ${m} (width ${width.toFixed(0)} Hz) has area ${area}`);
      const peak = Math.max(...row(m));
      assert.ok(peak <= 2 / width + 1e-15, `filter ${m} never exceeds its normalised height`);
    }
  });

  it('is triangular: one contiguous run per filter, rising then falling', () => {
    const sparse = toSparse(bank);
    for (let m = 0; m < 80; m++) {
      const values = Array.from(row(m));
      const nonZero = values.flatMap((v, k) => (v > 0 ? [k] : []));
      assert.equal(nonZero.length, sparse.length[m], `filter ${m}: sparse run length`);
      assert.equal(nonZero[0], sparse.start[m], `filter ${m}: sparse run start`);
      assert.equal(nonZero.at(-1)! - nonZero[0]! + 1, nonZero.length, `filter ${m}: contiguous`);
      const peakAt = values.indexOf(Math.max(...values));
      for (let k = nonZero[0]!; k < peakAt; k++)
        assert.ok(values[k]! <= values[k + 1]!, `filter ${m} rises to its peak`);
      for (let k = peakAt; k < nonZero.at(-1)!; k++)
        assert.ok(values[k]! >= values[k + 1]!, `filter ${m} falls after its peak`);
    }
  });
});

describe('logMelSpectrogram', () => {
  let speech: Float32Array;
  before(async () => {
    const wav = parseWav(await speechWav('Every stage of the transcription is a span.', { sampleRateHz: 16000 }));
    speech = wav.samples;
  });

  it('uses the periodic Hann window of length 400', () => {
    assert.equal(HANN_400[0], 0, 'starts at zero');
    assert.ok(Math.abs(HANN_400[200]! - 1) < 1e-15, 'peak at n/2 (periodic, not symmetric)');
    assert.ok(Math.abs(HANN_400[399]! - HANN_400[1]!) < 1e-15, 'periodic symmetry');
  });

  it('matches the float64 reference on real espeak-ng speech to 1e-4', () => {
    const { mel, frames, bins } = logMelSpectrogram(speech);
    assert.equal(bins, 80, '80 mel bins');
    assert.equal(frames, Math.floor(speech.length / 160), 'frames = floor(samples / hop)');
    const error = maxAbsError(mel, frames, referenceLogMel(speech));
    assert.ok(error <= TOLERANCE, `max abs error ${error}`);
  });

  const synthetic: [string, () => Float32Array][] = [
    ['two tones', () => tone(8000, 440, 0.5).map((v, i) => v + 0.25 * Math.sin((2 * Math.PI * 3000 * i) / 16000))],
    ['white noise', () => seededNoise(6400, 42, 0.3)],
    [
      'a chirp 50 Hz .. 7.9 kHz',
      () =>
        Float32Array.from(
          { length: 9600 },
          (_, i) => 0.8 * Math.sin((2 * Math.PI * (50 * i + (7850 / (2 * 9600)) * i * i)) / 16000),
        ),
    ],
    [
      'a loud tone over a very quiet floor (8 decades matter)',
      () => {
        const floor = seededNoise(8000, 77, 1e-4);
        return tone(8000, 1000, 0.9).map((v, i) => (i < 4000 ? v : 0) + floor[i]!);
      },
    ],
    ['an impulse train', () => Float32Array.from({ length: 4800 }, (_, i) => (i % 437 === 0 ? 1 : 0))],
    ['full-scale square wave', () => Float32Array.from({ length: 3200 }, (_, i) => (Math.floor(i / 20) % 2 ? 1 : -1))],
  ];
  for (const [name, make] of synthetic) {
    it(`matches the float64 reference on ${name} to 1e-4`, () => {
      const samples = make();
      const { mel, frames } = logMelSpectrogram(samples);
      const error = maxAbsError(mel, frames, referenceLogMel(samples));
      assert.ok(error <= TOLERANCE, `max abs error ${error}`);
    });
  }

  for (const length of [160, 199, 200, 201, 250, 399, 400, 401, 1000]) {
    it(`pads by reflection like the reference for ${length} samples (short-input edge cases)`, () => {
      const samples = seededNoise(length, length, 0.5);
      const { mel, frames } = logMelSpectrogram(samples);
      assert.equal(frames, Math.floor(length / 160), 'frame count');
      assert.ok(maxAbsError(mel, frames, referenceLogMel(samples)) <= TOLERANCE, 'matches the reference');
    });
  }

  it('counts floor(samples / 160) frames: the centred STFT has one more, which Whisper drops', () => {
    for (const length of [0, 1, 159, 160, 161, 319, 320, 16000, 16159, 480000]) {
      const { mel, frames } = logMelSpectrogram(new Float32Array(length));
      assert.equal(frames, Math.floor(length / 160), `${length} samples`);
      assert.equal(mel.length, 80 * frames, `${length} samples: 80 x frames values`);
    }
  });

  it('maps silence to (log10(1e-10) + 4) / 4 = -1.5 everywhere', () => {
    const { mel } = logMelSpectrogram(new Float32Array(1600));
    assert.ok(
      mel.every((v) => v === -1.5),
      'the 1e-10 clamp then the scaling',
    );
  });

  it('normalises: maximum (max + 4) / 4, nothing below it by more than 2 (8 decades / 4)', () => {
    const { mel } = logMelSpectrogram(speech);
    let max = -Infinity;
    let min = Infinity;
    for (const v of mel) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    assert.ok(max - min <= 2 + 1e-6, `range ${max - min} within 2`);
    assert.ok(max - min > 1.9, 'speech spans the whole 8-decade floor');
  });

  it('shifts by log10(gain^2) / 4 when the input is scaled (power is quadratic)', () => {
    const noise = seededNoise(3200, 9, 0.01);
    const base = logMelSpectrogram(noise).mel;
    const louder = logMelSpectrogram(noise.map((v) => v * 10)).mel;
    let checked = 0;
    for (let i = 0; i < base.length; i++) {
      // Values at the 1e-10 clamp (-1.5) do not move; the first frame's mirror-symmetric padding can
      // put a near-zero there.
      if (base[i] === -1.5) continue;
      assert.ok(Math.abs(louder[i]! - base[i]! - 0.5) < 1e-5, `value ${i}`);
      checked++;
    }
    assert.ok(checked > base.length * 0.99, 'almost every value was compared');
  });

  it('is bin-major: a 1 kHz tone peaks in the same mel bin in every frame', () => {
    const { mel, frames } = logMelSpectrogram(tone(16000, 1000, 0.5));
    const peakBin = (t: number): number => {
      let best = 0;
      for (let b = 1; b < 80; b++) if (mel[b * frames + t]! > mel[best * frames + t]!) best = b;
      return best;
    };
    const expected = Math.round((hzToMel(1000) / hzToMel(8000)) * 81) - 1;
    for (let t = 2; t < frames - 2; t++)
      assert.ok(Math.abs(peakBin(t) - expected) <= 1, `frame ${t}: peak bin ${peakBin(t)} near ${expected}`);
  });

  it('supports 128 mel bins', () => {
    const samples = seededNoise(1600, 5, 0.2);
    const { mel, frames, bins } = logMelSpectrogram(samples, { nMels: 128 });
    assert.equal(bins, 128, '128 bins');
    assert.ok(maxAbsError(mel, frames, referenceLogMel(samples, 128)) <= TOLERANCE, 'matches the reference');
  });

  it(`matches the reference across blocks of ${BLOCK_FRAMES} frames, the global maximum included`, () => {
    // 2.4 blocks, the loud part only in the last one: normalisation must see every block's maximum.
    const frames = Math.round(BLOCK_FRAMES * 2.4);
    const samples = seededNoise(frames * 160, 5, 1e-3).map((v, i) =>
      i > frames * 150 ? v + 0.8 * Math.sin(i / 7) : v,
    );
    const result = logMelSpectrogram(samples);
    assert.equal(result.frames, frames, 'every frame of every block');
    assert.ok(
      maxAbsError(result.mel, result.frames, referenceLogMel(samples)) <= TOLERANCE,
      'matches the one-piece reference',
    );
    const recorder = new StageRecorder('medium');
    logMelSpectrogram(samples, { recorder });
    assert.deepEqual(
      recorder.records.map((r) => r.name),
      [
        SPAN.MEL_FFT,
        SPAN.MEL_LOG_MEL,
        SPAN.MEL_FFT,
        SPAN.MEL_LOG_MEL,
        SPAN.MEL_FFT,
        SPAN.MEL_LOG_MEL,
        SPAN.MEL_NORMALIZE,
      ],
      'one fft / log_mel pair per block, then one normalize',
    );
  });

  it('records mel.fft, mel.log_mel and mel.normalize at medium detail, nothing at coarse', () => {
    const medium = new StageRecorder('medium');
    logMelSpectrogram(speech, { recorder: medium });
    assert.deepEqual(
      medium.records.map((r) => r.name),
      [SPAN.MEL_FFT, SPAN.MEL_LOG_MEL, SPAN.MEL_NORMALIZE],
      'three stages in order',
    );
    for (const record of medium.records) {
      assert.ok(record.endMs >= record.startMs, `${record.name} has a duration`);
      assert.equal(record.parent, -1, `${record.name} hangs off the replay parent`);
    }
    const coarse = new StageRecorder('coarse');
    logMelSpectrogram(speech, { recorder: coarse });
    assert.equal(coarse.records.length, 0, 'coarse detail records no mel sub-stages');
  });
});
