/**
 * Mixed-radix FFTs in float64 for the Whisper front end, whose n_fft is 400 = 2^4 * 5^2: a power-of-two
 * library would have to zero-pad to 512, which changes the bins, and a Bluestein transform on fft.js
 * measured about 50 ms for 3000 frames here.
 *
 * Chosen by measurement (2-core Xeon shared with other jobs, Node 24; power spectra of the same
 * 3000 windowed frames, median of 31; then the whole log-mel against a naive float64 DFT):
 *
 *   back end                             ms / 3000 frames   log-mel max abs error
 *   this file (float64 JS, sync)         15.5 - 16.2        1e-13
 *   kissfft-wasm rfft 400 (float32)      12.0 - 13.8        1.2e-5 - 3.0e-5
 *   pffft-wasm SIMD, complex 400 with
 *     two real frames packed (float32)    6.5 -  6.7        3.0e-5 - 3.8e-5
 *   fft.js 512 real (bench's floor)      17.6 - 18.0        (wrong bins: zero-padded)
 *
 * pffft is 2.4x faster on the transform, but the whole log-mel with this FFT already runs at
 * 1.2 - 1.7x the fft.js floor (goal <= 2.5, bench/mel.ts), while the float32 WASM transforms spend a
 * third of the 1e-4 error budget (ours: 1e-7, the float32 output rounding) and need async WASM
 * instantiation per worker; kissfft-wasm's glue does not even load on Node 24 as shipped (it
 * fetch()es a file path). So: plain synchronous float64 JS.
 */

import { radix2, radix3, radix4, radix5, type Stage } from './fft-stages.ts';

const SUPPORTED_RADICES = [4, 2, 3, 5] as const;

function factorize(size: number): number[] {
  const factors: number[] = [];
  let rest = size;
  for (const radix of SUPPORTED_RADICES) {
    while (rest % radix === 0) {
      factors.push(radix);
      rest /= radix;
    }
  }
  if (rest !== 1) throw new RangeError(`FFT size ${size} has a prime factor other than 2, 3 and 5`);
  return factors;
}

/**
 * Forward complex DFT X[k] = sum_n x[n] e^{-2 pi i k n / size} for sizes whose prime factors are 2, 3
 * and 5, in natural order (Stockham autosort: no bit reversal), on split real/imaginary arrays.
 * Not reentrant: one instance owns its work buffers (one per worker thread).
 */
export class ComplexFft {
  readonly size: number;
  /** Load the input here before `run()`. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly otherRe: Float64Array;
  private readonly otherIm: Float64Array;
  private readonly stages: Stage[];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.size = size;
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    this.otherRe = new Float64Array(size);
    this.otherIm = new Float64Array(size);
    this.stages = [];
    let span = 1;
    for (const radix of size === 1 ? [] : factorize(size)) {
      const length = span * radix;
      const twRe = new Float64Array(span * (radix - 1));
      const twIm = new Float64Array(span * (radix - 1));
      for (let k = 0; k < span; k++) {
        for (let r = 1; r < radix; r++) {
          const angle = (-2 * Math.PI * r * k) / length;
          twRe[k * (radix - 1) + r - 1] = Math.cos(angle);
          twIm[k * (radix - 1) + r - 1] = Math.sin(angle);
        }
      }
      this.stages.push({ radix, span, stride: size / length, twRe, twIm });
      span = length;
    }
  }

  /**
   * Transforms the data in `re`/`im`. Returns the arrays holding the result: either `re`/`im`
   * themselves or internal buffers (valid until the next run), which saves a copy per frame.
   */
  run(): [Float64Array, Float64Array] {
    let inRe = this.re;
    let inIm = this.im;
    let outRe = this.otherRe;
    let outIm = this.otherIm;
    for (const stage of this.stages) {
      if (stage.radix === 4) radix4(stage, inRe, inIm, outRe, outIm);
      else if (stage.radix === 2) radix2(stage, inRe, inIm, outRe, outIm);
      else if (stage.radix === 5) radix5(stage, inRe, inIm, outRe, outIm);
      else radix3(stage, inRe, inIm, outRe, outIm);
      const swapRe = inRe;
      const swapIm = inIm;
      inRe = outRe;
      inIm = outIm;
      outRe = swapRe;
      outIm = swapIm;
    }
    return [inRe, inIm];
  }
}
