/**
 * Band-limited resampling of mono audio to 16 kHz (any input rate, arbitrary ratio) with a
 * Kaiser-windowed sinc low-pass.
 *
 * Filter: the -6 dB cutoff sits at 15/16 of the lower Nyquist (7.5 kHz when downsampling to 16 kHz),
 * the pass band ends at 7/8 of it (7 kHz), and the stop band starts at the Nyquist itself (8 kHz),
 * with 70 dB stop-band attenuation (Kaiser's formulas: beta = 0.1102 (A - 8.7), taps = (A - 8) /
 * (2.285 * transition in rad/sample)). So nothing above 8 kHz folds back into the 0..8 kHz band that
 * Whisper's mel filters look at. The kernel is tabulated once per input rate (linear interpolation
 * between ~256 points per zero crossing, error below -90 dB) and evaluated at each output instant,
 * which handles non-integer ratios such as 44.1 kHz -> 16 kHz exactly in time.
 */
import { shrinkableSamples } from './pcm.ts';

export const TARGET_RATE_HZ = 16000;

/** Stop-band attenuation in dB. */
const ATTENUATION_DB = 70;
const CUTOFF_OF_NYQUIST = 15 / 16;
const TRANSITION_OF_NYQUIST = 1 / 8;
const POINTS_PER_ZERO_CROSSING = 256;

interface Kernel {
  /** Half-width in input samples: taps span (-halfWidth, halfWidth). */
  halfWidth: number;
  /** Table resolution in points per input sample. */
  resolution: number;
  /** h(u) for u = index / resolution input samples, u in [0, halfWidth], plus trailing zeros for interpolation. */
  table: Float64Array;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}

const kernels = new Map<number, Kernel>();

function kernelFor(inputRateHz: number): Kernel {
  const cached = kernels.get(inputRateHz);
  if (cached) return cached;
  const nyquistHz = Math.min(inputRateHz, TARGET_RATE_HZ) / 2;
  const cutoff = (CUTOFF_OF_NYQUIST * nyquistHz) / inputRateHz; // cycles per input sample
  const transition = (TRANSITION_OF_NYQUIST * nyquistHz) / inputRateHz;
  const beta = 0.1102 * (ATTENUATION_DB - 8.7);
  const taps = (ATTENUATION_DB - 8) / (2.285 * 2 * Math.PI * transition);
  const halfWidth = Math.ceil(taps / 2);
  const resolution = Math.max(1, Math.ceil(POINTS_PER_ZERO_CROSSING * 2 * cutoff));
  const size = halfWidth * resolution;
  const table = new Float64Array(size + 2);
  const i0Beta = besselI0(beta);
  for (let i = 0; i <= size; i++) {
    const u = i / resolution;
    const x = 2 * cutoff * u;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const v = u / halfWidth;
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - v * v))) / i0Beta;
    table[i] = 2 * cutoff * sinc * window;
  }
  const kernel = { halfWidth, resolution, table };
  kernels.set(inputRateHz, kernel);
  return kernel;
}

/** Fills `out` (length 2 * halfWidth) with the taps for input offsets -halfWidth+1 .. halfWidth from the
 * sample at or before the output instant, which lies `frac` (0 <= frac < 1) input samples after it. */
function tapsAt(kernel: Kernel, frac: number, out: Float64Array): void {
  const { halfWidth, resolution, table } = kernel;
  // Left taps are frac + m samples away, right taps (1 - frac) + m: along each side the table index
  // advances by `resolution` per tap while the interpolation fraction stays fixed.
  const left = frac * resolution;
  let index = Math.floor(left);
  let weight = left - index;
  for (let m = 0; m < halfWidth; m++, index += resolution)
    out[halfWidth - 1 - m] = table[index]! + weight * (table[index + 1]! - table[index]!);
  const right = (1 - frac) * resolution;
  index = Math.floor(right);
  weight = right - index;
  for (let m = 0; m < halfWidth; m++, index += resolution)
    out[halfWidth + m] = table[index]! + weight * (table[index + 1]! - table[index]!);
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Largest polyphase bank worth precomputing (coefficients); beyond it taps are computed per output. */
const MAX_BANK_COEFFICIENTS = 1 << 18;

/** Output length for `inputLength` samples at `inputRateHz`: round(n * 16000 / rate). */
export function resampledLength(inputLength: number, inputRateHz: number): number {
  return Math.round((inputLength * TARGET_RATE_HZ) / inputRateHz);
}

export interface ResampleOptions {
  /** 'auto' (default) precomputes one tap set per phase when the ratio is a small fraction
   *  (44.1 kHz: 160 phases); 'direct' always interpolates taps per output sample. Same result. */
  method?: 'auto' | 'direct';
}

/** What every output sample needs: the kernel, and the phase arithmetic of the ratio. */
interface Plan {
  kernel: Kernel;
  width: number;
  phases: number;
  advance: number;
  /** One tap set per phase, when the ratio has few phases; otherwise taps are made per output. */
  bank: Float64Array | undefined;
  scratch: Float64Array;
}

function checkRate(inputRateHz: number): void {
  if (!Number.isInteger(inputRateHz) || inputRateHz <= 0)
    throw new RangeError(`input rate must be a positive integer, got ${inputRateHz}`);
}

function planFor(inputRateHz: number, options: ResampleOptions): Plan {
  checkRate(inputRateHz);
  const kernel = kernelFor(inputRateHz);
  const width = 2 * kernel.halfWidth;
  // Output j sits at input position j * M / L exactly, in phase (j * M) mod L.
  const divisor = gcd(inputRateHz, TARGET_RATE_HZ);
  const phases = TARGET_RATE_HZ / divisor;
  const advance = inputRateHz / divisor;
  let bank: Float64Array | undefined;
  if (options.method !== 'direct' && phases * width <= MAX_BANK_COEFFICIENTS) {
    bank = new Float64Array(phases * width);
    for (let p = 0; p < phases; p++) tapsAt(kernel, p / phases, bank.subarray(p * width, (p + 1) * width));
  }
  return { kernel, width, phases, advance, bank, scratch: new Float64Array(width) };
}

/** Input index of the first tap of output `j`. */
function firstTap(plan: Plan, j: number): number {
  return Math.floor((j * plan.advance) / plan.phases) - plan.kernel.halfWidth + 1;
}

/**
 * Writes outputs `from` .. `to` - 1 of `out`. `input` holds the input samples from index
 * `inputStart` on, at least those these outputs' taps reach within the `n` samples of the input.
 */
function resampleRange(
  plan: Plan,
  input: Float32Array,
  inputStart: number,
  n: number,
  out: Float32Array,
  from: number,
  to: number,
): void {
  const { kernel, width, phases, advance, bank, scratch } = plan;
  for (let j = from; j < to; j++) {
    const numerator = j * advance;
    const centre = Math.floor(numerator / phases);
    const phase = numerator - centre * phases;
    let taps: Float64Array;
    let base: number;
    if (bank) {
      taps = bank;
      base = phase * width;
    } else {
      tapsAt(kernel, phase / phases, scratch);
      taps = scratch;
      base = 0;
    }
    // Input index of tap t is first + t; clip to the input.
    const first = centre - kernel.halfWidth + 1;
    const offset = first - inputStart;
    const lo = first < 0 ? -first : 0;
    const hi = Math.min(width, n - first);
    let acc = 0;
    for (let t = lo; t < hi; t++) acc += taps[base + t]! * input[offset + t]!;
    out[j] = acc;
  }
}

/**
 * Resamples mono `input` at `inputRateHz` (a positive integer) to 16 kHz. At 16 kHz it returns
 * `input` itself (no copy). Samples outside the input count as zero.
 */
export function resampleTo16k(input: Float32Array, inputRateHz: number, options: ResampleOptions = {}): Float32Array {
  checkRate(inputRateHz);
  if (inputRateHz === TARGET_RATE_HZ) return input;
  const plan = planFor(inputRateHz, options);
  const out = shrinkableSamples(resampledLength(input.length, inputRateHz));
  resampleRange(plan, input, 0, input.length, out, 0, out.length);
  return out;
}

/** Outputs made per stretch of input read by `resampleStreamTo16k`. */
const STRETCH_OUTPUTS = 1 << 16;

/**
 * The same result as `resampleTo16k` on `length` samples at `inputRateHz` (not 16 kHz), reading
 * the input a stretch at a time: `read(start, into)` fills `into` with the input samples from
 * index `start` on. The whole input is never held, only one stretch of it.
 */
export function resampleStreamTo16k(
  length: number,
  inputRateHz: number,
  read: (start: number, into: Float32Array) => void,
  options: ResampleOptions = {},
): Float32Array {
  const plan = planFor(inputRateHz, options);
  const out = shrinkableSamples(resampledLength(length, inputRateHz));
  const stretch = new Float32Array(Math.ceil((STRETCH_OUTPUTS * plan.advance) / plan.phases) + plan.width + 1);
  for (let from = 0; from < out.length; from += STRETCH_OUTPUTS) {
    const to = Math.min(out.length, from + STRETCH_OUTPUTS);
    const start = Math.max(0, firstTap(plan, from));
    const end = Math.min(length, firstTap(plan, to - 1) + plan.width);
    if (end > start) read(start, stretch.subarray(0, end - start));
    resampleRange(plan, stretch, start, length, out, from, to);
  }
  return out;
}
