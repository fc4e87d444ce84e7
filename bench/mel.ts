/**
 * Mel front-end benchmark: the full Whisper log-mel of 30 s of audio (3000 frames) against
 * its floor, a bare fft.js 512-point real transform over the same 3000 frames, paired in one process;
 * plus the log-mel's max abs error against the plain float64 reference (test/audio/mel-reference.ts).
 * Goals: ratio <= 2.5, error <= 1e-4. No assertions here: bench/run.ts reports, tests check arithmetic.
 *
 * The floor loads each frame's 400 samples into a zero-padded 512-point buffer (what any STFT must
 * do per frame) and calls `realTransform`; it windows nothing, pads nothing and computes no power.
 * Each repeat times both, alternating which runs first; the reported ratio is the median of the
 * per-repeat ratios (pairing cancels slow phases of a shared machine), the times are medians.
 */
import { createRequire } from 'node:module';
import { makeClip } from '../src/audio/clips.ts';
import { HOP_LENGTH, logMelSpectrogram } from '../src/audio/mel.ts';
import { referenceLogMel } from '../test/audio/mel-reference.ts';

interface FftJs {
  createComplexArray(): number[];
  realTransform(output: number[], input: ArrayLike<number>): void;
}
type FftJsConstructor = new (size: number) => FftJs;

const FFT = createRequire(import.meta.url)('fft.js') as FftJsConstructor;

export interface MelBenchResult {
  /** Median over repeats of (log-mel time / fft.js floor time) measured back to back. */
  ratioToFftFloor: number;
  melMs: number;
  fftFloorMs: number;
  /** Max |ours - float64 reference| over the whole spectrogram. */
  maxAbsError: number;
}

export interface MelBenchOptions {
  repeats: number;
  /** Audio length; default 30 s (3000 frames). Shorter only for tests of this file. */
  durationS?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Speech-like audio of the requested length (the 30 s built-in clip, cut or repeated). */
function audio(durationS: number): Float32Array {
  const clip = makeClip('30s');
  const out = new Float32Array(Math.round(durationS * 16000));
  for (let i = 0; i < out.length; i++) out[i] = clip[i % clip.length]!;
  return out;
}

function fftFloor(pcm: Float32Array, frames: number): () => void {
  const fft = new FFT(512);
  const output = fft.createComplexArray();
  const input = new Float64Array(512);
  return () => {
    for (let t = 0; t < frames; t++) {
      const start = t * HOP_LENGTH;
      const end = Math.min(start + 400, pcm.length);
      for (let i = start; i < end; i++) input[i - start] = pcm[i]!;
      input.fill(0, end - start, 400);
      fft.realTransform(output, input);
    }
  };
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Times the log-mel against the fft.js floor `repeats` times (after warm-up) and checks its accuracy once. */
export function measureMel(options: MelBenchOptions): MelBenchResult {
  const pcm = audio(options.durationS ?? 30);
  const frames = Math.floor(pcm.length / HOP_LENGTH);
  const floor = fftFloor(pcm, frames);
  const mel = (): void => {
    logMelSpectrogram(pcm);
  };
  for (let i = 0; i < 3; i++) {
    mel();
    floor();
  }
  const melTimes: number[] = [];
  const floorTimes: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < Math.max(1, options.repeats); r++) {
    const melFirst = r % 2 === 0;
    const a = time(melFirst ? mel : floor);
    const b = time(melFirst ? floor : mel);
    const melMs = melFirst ? a : b;
    const floorMs = melFirst ? b : a;
    melTimes.push(melMs);
    floorTimes.push(floorMs);
    ratios.push(melMs / floorMs);
  }
  const { mel: ours } = logMelSpectrogram(pcm);
  const reference = referenceLogMel(pcm);
  let maxAbsError = 0;
  for (let m = 0; m < reference.length; m++) {
    for (let t = 0; t < frames; t++)
      maxAbsError = Math.max(maxAbsError, Math.abs(ours[m * frames + t]! - reference[m]![t]!));
  }
  return { ratioToFftFloor: median(ratios), melMs: median(melTimes), fftFloorMs: median(floorTimes), maxAbsError };
}

if (import.meta.main) {
  console.log(JSON.stringify(measureMel({ repeats: 15 }), null, 2));
}
