/**
 * Real-input FFT of even size N through one complex FFT of N/2 points: the even samples go in the
 * real part and the odd samples in the imaginary part, and one split pass recovers bins 0..N/2.
 * For Whisper's N = 400 that is a 200-point (2^3 * 5^2) Stockham transform per frame.
 */
import { ComplexFft } from './fft.ts';

/** Forward real FFT of an even `size` whose half has prime factors 2, 3 and 5 only. Not reentrant. */
export class RealFft {
  readonly size: number;
  /** Number of output bins, size / 2 + 1. */
  readonly bins: number;
  private readonly half: ComplexFft;
  private readonly cosTable: Float64Array;
  private readonly sinTable: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0)
      throw new RangeError(`real FFT size must be an even integer >= 2, got ${size}`);
    this.size = size;
    this.bins = size / 2 + 1;
    this.half = new ComplexFft(size / 2);
    this.cosTable = new Float64Array(size / 2);
    this.sinTable = new Float64Array(size / 2);
    for (let k = 0; k < size / 2; k++) {
      this.cosTable[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinTable[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * Input slots for `powerOfLoaded`: `even[n]` = x[2n], `odd[n]` = x[2n + 1]. Lets a caller window a
   * frame straight into the transform instead of through an intermediate buffer.
   */
  get even(): Float64Array {
    return this.half.re;
  }

  get odd(): Float64Array {
    return this.half.im;
  }

  private load(input: ArrayLike<number>): void {
    const even = this.half.re;
    const odd = this.half.im;
    const m = this.size / 2;
    for (let n = 0; n < m; n++) {
      even[n] = input[2 * n]!;
      odd[n] = input[2 * n + 1]!;
    }
  }

  /** Full spectrum: `outRe[k] + i outIm[k]` for k = 0 .. size/2 (arrays of length `bins`). */
  forward(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    this.load(input);
    const [zr, zi] = this.half.run();
    const m = this.size / 2;
    outRe[0] = zr[0]! + zi[0]!;
    outIm[0] = 0;
    outRe[m] = zr[0]! - zi[0]!;
    outIm[m] = 0;
    for (let k = 1; k < m; k++) {
      const [xr, xi] = this.splitBin(zr, zi, k, m);
      outRe[k] = xr;
      outIm[k] = xi;
    }
  }

  /** Power spectrum |X[k]|^2 for k = 0 .. size/2 into `out` (length >= bins) starting at `offset`. */
  power(input: ArrayLike<number>, out: Float64Array, offset = 0): void {
    this.load(input);
    this.powerOfLoaded(out, offset);
  }

  /** `power` of the samples already written to `even` and `odd`. */
  powerOfLoaded(out: Float64Array, offset = 0): void {
    const [zr, zi] = this.half.run();
    const cos = this.cosTable;
    const sin = this.sinTable;
    const m = this.size / 2;
    const dc = zr[0]! + zi[0]!;
    const nyquist = zr[0]! - zi[0]!;
    out[offset] = dc * dc;
    out[offset + m] = nyquist * nyquist;
    for (let k = 1; k < m; k++) {
      // Same algebra as splitBin, inlined: this loop runs 200 times per frame.
      const ar = zr[k]!;
      const ai = zi[k]!;
      const br = zr[m - k]!;
      const bi = zi[m - k]!;
      const er = ar + br;
      const ei = ai - bi;
      const or = ai + bi;
      const oi = br - ar;
      const wc = cos[k]!;
      const ws = sin[k]!;
      const xr = er + wc * or + ws * oi;
      const xi = ei + wc * oi - ws * or;
      out[offset + k] = 0.25 * (xr * xr + xi * xi);
    }
  }

  /**
   * X[k] = E[k] + W^k O[k] with E = (Z[k] + conj Z[m-k]) / 2 (the even samples' DFT),
   * O = (Z[k] - conj Z[m-k]) / 2i (the odd samples' DFT) and W = e^{-2 pi i / size}.
   */
  private splitBin(zr: Float64Array, zi: Float64Array, k: number, m: number): [number, number] {
    const ar = zr[k]!;
    const ai = zi[k]!;
    const br = zr[m - k]!;
    const bi = zi[m - k]!;
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai - bi);
    const or = 0.5 * (ai + bi);
    const oi = 0.5 * (br - ar);
    const wc = this.cosTable[k]!;
    const ws = this.sinTable[k]!;
    return [er + wc * or + ws * oi, ei + wc * oi - ws * or];
  }
}
