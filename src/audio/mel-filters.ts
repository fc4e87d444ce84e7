/**
 * librosa's Slaney-style mel filter bank (`librosa.filters.mel(sr, n_fft, n_mels, fmin=0,
 * fmax=sr/2, htk=False, norm='slaney')`), which is what openai/whisper ships in mel_filters.npz.
 * Computed here in float64 rather than loaded, so no binary asset is needed.
 */

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

/** Slaney mel scale: linear below 1 kHz, logarithmic above. */
export function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

/** Inverse of `hzToMel`. */
export function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

export interface MelFilterOptions {
  sampleRateHz: number;
  nFft: number;
  nMels: number;
  fminHz?: number;
  /** Default: sampleRateHz / 2. */
  fmaxHz?: number;
}

/** Dense filter bank, row-major [nMels][nFft/2 + 1]. */
export interface MelFilterBank {
  nMels: number;
  bins: number;
  weights: Float64Array;
}

/** The dense filter bank, exactly librosa's formula (triangles in Hz between mel-spaced edges, area-normalised). */
export function slaneyMelFilters(options: MelFilterOptions): MelFilterBank {
  const { sampleRateHz, nFft, nMels } = options;
  const fmin = options.fminHz ?? 0;
  const fmax = options.fmaxHz ?? sampleRateHz / 2;
  const bins = Math.floor(nFft / 2) + 1;
  const fftFreqs = Float64Array.from({ length: bins }, (_, k) => (k * sampleRateHz) / nFft);
  const melMin = hzToMel(fmin);
  const melMax = hzToMel(fmax);
  const edges = Float64Array.from({ length: nMels + 2 }, (_, i) =>
    melToHz(melMin + ((melMax - melMin) * i) / (nMels + 1)),
  );
  const weights = new Float64Array(nMels * bins);
  for (let m = 0; m < nMels; m++) {
    const left = edges[m]!;
    const centre = edges[m + 1]!;
    const right = edges[m + 2]!;
    const enorm = 2 / (right - left);
    for (let k = 0; k < bins; k++) {
      const f = fftFreqs[k]!;
      const lower = (f - left) / (centre - left);
      const upper = (right - f) / (right - centre);
      weights[m * bins + k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
  }
  return { nMels, bins, weights };
}

/** The non-zero run of each filter: weights[m] applies to bins start[m] .. start[m] + length - 1. */
export interface SparseMelFilterBank {
  nMels: number;
  bins: number;
  start: Int32Array;
  length: Int32Array;
  /** Concatenated runs; run m begins at offset[m]. */
  offset: Int32Array;
  values: Float64Array;
}

/** Keeps each triangle's non-zero bins only: about 2 per bin instead of 80, so the product is ~40x cheaper. */
export function toSparse(bank: MelFilterBank): SparseMelFilterBank {
  const { nMels, bins, weights } = bank;
  const start = new Int32Array(nMels);
  const length = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  const values: number[] = [];
  for (let m = 0; m < nMels; m++) {
    let first = -1;
    let last = -1;
    for (let k = 0; k < bins; k++) {
      if (weights[m * bins + k] !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    offset[m] = values.length;
    if (first < 0) continue;
    start[m] = first;
    length[m] = last - first + 1;
    for (let k = first; k <= last; k++) values.push(weights[m * bins + k]!);
  }
  return { nMels, bins, start, length, offset, values: Float64Array.from(values) };
}
