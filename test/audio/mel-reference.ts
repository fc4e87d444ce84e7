/**
 * A deliberately plain float64 implementation of openai/whisper `log_mel_spectrogram`, written
 * independently of src/audio (explicit padded array, naive DFT per frame, dense filter matrix), as
 * the golden reference for the optimised code.
 */

const N_FFT = 400;
const HOP = 160;

/** numpy.pad(mode='reflect') index: bounce off both ends until inside. */
function bounce(index: number, length: number): number {
  if (length === 1) return 0;
  let j = index;
  while (j < 0 || j >= length) {
    if (j < 0) j = -j;
    if (j >= length) j = 2 * (length - 1) - j;
  }
  return j;
}

function hzToMelSlaney(hz: number): number {
  if (hz < 1000) return (3 * hz) / 200;
  return 15 + (27 * Math.log(hz / 1000)) / Math.log(6.4);
}

function melToHzSlaney(mel: number): number {
  if (mel < 15) return (200 * mel) / 3;
  return 1000 * 6.4 ** ((mel - 15) / 27);
}

/** librosa.filters.mel(sr=16000, n_fft=400, n_mels, htk=False, norm='slaney') as rows of 201. */
export function referenceFilters(nMels: number): number[][] {
  const top = hzToMelSlaney(8000);
  const points: number[] = [];
  for (let i = 0; i < nMels + 2; i++) points.push(melToHzSlaney((top * i) / (nMels + 1)));
  const rows: number[][] = [];
  for (let m = 0; m < nMels; m++) {
    const row: number[] = [];
    for (let k = 0; k <= N_FFT / 2; k++) {
      const f = (k * 16000) / N_FFT;
      const rising = (f - points[m]!) / (points[m + 1]! - points[m]!);
      const falling = (points[m + 2]! - f) / (points[m + 2]! - points[m + 1]!);
      row.push(Math.max(0, Math.min(rising, falling)) * (2 / (points[m + 2]! - points[m]!)));
    }
    rows.push(row);
  }
  return rows;
}

/** Returns [nMels][frames] as nested arrays. */
export function referenceLogMel(samples: Float32Array, nMels = 80): number[][] {
  const n = samples.length;
  const padded: number[] = [];
  for (let i = -N_FFT / 2; i < n + N_FFT / 2; i++) padded.push(samples[bounce(i, n)]!);
  const frames = Math.floor(n / HOP);
  const window: number[] = [];
  for (let i = 0; i < N_FFT; i++) window.push(0.5 * (1 - Math.cos((2 * Math.PI * i) / N_FFT)));
  const cos: number[] = [];
  const sin: number[] = [];
  for (let i = 0; i < N_FFT; i++) {
    cos.push(Math.cos((2 * Math.PI * i) / N_FFT));
    sin.push(Math.sin((2 * Math.PI * i) / N_FFT));
  }
  const filters = referenceFilters(nMels);
  const logSpec: number[][] = filters.map(() => new Array<number>(frames).fill(0));
  for (let t = 0; t < frames; t++) {
    const power: number[] = [];
    for (let k = 0; k <= N_FFT / 2; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < N_FFT; i++) {
        const x = padded[t * HOP + i]! * window[i]!;
        re += x * cos[(k * i) % N_FFT]!;
        im -= x * sin[(k * i) % N_FFT]!;
      }
      power.push(re * re + im * im);
    }
    for (let m = 0; m < nMels; m++) {
      let sum = 0;
      for (let k = 0; k <= N_FFT / 2; k++) sum += filters[m]![k]! * power[k]!;
      logSpec[m]![t] = Math.log10(Math.max(sum, 1e-10));
    }
  }
  let max = -Infinity;
  for (const row of logSpec) for (const v of row) max = Math.max(max, v);
  return logSpec.map((row) => row.map((v) => (Math.max(v, max - 8) + 4) / 4));
}
