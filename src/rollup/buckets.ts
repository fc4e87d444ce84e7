/**
 * Where LogHistogram puts a value: slot = ceil(ln v / ln gamma) - minIndex, clamped to the bucket
 * array, for v >= minTrackableMs (smaller values go to the zero count).
 *
 * `bucketOf` gives exactly that slot without calling Math.log, which was a fifth of the rollup
 * processor's time per span (a C call on the critical path of every add). A value's upper 32 bits
 * (sign, exponent, the top of the mantissa) pick a cell of the octave so narrow (at most half a
 * bucket) that at most one bucket boundary falls inside it; a table holds the slot where each cell
 * starts, and one comparison with that slot's upper limit decides between it and the next. The
 * limits are found with the formula itself (the largest double it puts in each slot), so the two
 * agree value for value; test/rollup/buckets.test.ts checks every limit and its neighbours.
 * Layouts are memoised per parameter set: the table is built once per process.
 */
import type { LogHistogramOptions } from './sketch.ts';

/** The bucket parameters LogHistogram derives from its options, and the lookup table. */
export interface BucketLayout {
  readonly relativeAccuracy: number;
  readonly minTrackableMs: number;
  readonly maxTrackableMs: number;
  readonly gamma: number;
  readonly inverseLogGamma: number;
  /** Bucket index of slot 0. */
  readonly minIndex: number;
  /** Number of bucket slots. */
  readonly buckets: number;
  /** How far to shift a value's upper word to get its cell (plus cellBase). */
  readonly cellShift: number;
  readonly cellBase: number;
  /** Per cell, the slot of its lowest value and that slot's upper limit, side by side (one cache
   *  line read per value); empty when the table would be too big (Math.log then). */
  readonly cells: Float64Array;
  /** Largest value of each slot (Infinity for the top one). */
  readonly upper: Float64Array;
}

/** More mantissa bits than this (relative accuracy finer than about 1e-4) use Math.log instead. */
const MAX_CELL_BITS = 12;

/** Where bucketOf reads a value's bits. */
const SCRATCH = new Float64Array(1);
const SCRATCH_WORDS = new Uint32Array(SCRATCH.buffer);
const BITS = new BigUint64Array(SCRATCH.buffer);
/** Index of the word holding the sign, exponent and top mantissa bits. */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

const layouts = new Map<string, BucketLayout>();

/** Validates `options` and derives the bucket layout (memoised); throws a RangeError on bad parameters. */
export function bucketLayout(options: LogHistogramOptions = {}): BucketLayout {
  const accuracy = options.relativeAccuracy ?? 0.01;
  const minTrackable = options.minTrackableMs ?? 0.001;
  const maxTrackable = options.maxTrackableMs ?? 600_000;
  const key = `${accuracy}:${minTrackable}:${maxTrackable}`;
  const known = layouts.get(key);
  if (known) return known;
  if (!(accuracy > 0 && accuracy < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${accuracy}`);
  if (!(minTrackable > 0 && Number.isFinite(minTrackable)))
    throw new RangeError(`minTrackableMs must be > 0, got ${minTrackable}`);
  if (!(maxTrackable > minTrackable && Number.isFinite(maxTrackable))) {
    throw new RangeError(`maxTrackableMs must be finite and > minTrackableMs, got ${maxTrackable}`);
  }
  const gamma = (1 + accuracy) / (1 - accuracy);
  const inverseLogGamma = 1 / Math.log(gamma);
  const minIndex = Math.ceil(Math.log(minTrackable) * inverseLogGamma);
  const buckets = Math.ceil(Math.log(maxTrackable) * inverseLogGamma) - minIndex + 1;
  if (buckets > 1_000_000)
    throw new RangeError(`parameters need ${buckets} buckets; widen relativeAccuracy or narrow the range`);
  const formula = (v: number): number => clampedSlot(Math.ceil(Math.log(v) * inverseLogGamma) - minIndex, buckets);
  const upper = new Float64Array(buckets);
  for (let slot = 0; slot < buckets - 1; slot++)
    upper[slot] = largestIn(slot, Math.exp((slot + minIndex) / inverseLogGamma), formula);
  upper[buckets - 1] = Infinity;
  // Cells at most half a bucket wide: 2^-bits <= (gamma - 1) / 2.
  const cellBits = Math.ceil(Math.log2(2 / (gamma - 1)));
  let cellShift = 0;
  let cellBase = 0;
  let cells = new Float64Array(0);
  if (cellBits <= MAX_CELL_BITS) {
    cellShift = 20 - cellBits;
    cellBase = highWord(minTrackable) >>> cellShift;
    const count = (highWord(maxTrackable) >>> cellShift) - cellBase + 1;
    cells = new Float64Array(count * 2);
    for (let cell = 0; cell < count; cell++) {
      SCRATCH_WORDS[HIGH_WORD] = (cellBase + cell) << cellShift;
      SCRATCH_WORDS[1 - HIGH_WORD] = 0;
      const slot = formula(SCRATCH[0]!);
      cells[cell * 2] = slot;
      cells[cell * 2 + 1] = upper[slot]!;
    }
  }
  const layout = {
    relativeAccuracy: accuracy,
    minTrackableMs: minTrackable,
    maxTrackableMs: maxTrackable,
    gamma,
    inverseLogGamma,
    minIndex,
    buckets,
    cellShift,
    cellBase,
    cells,
    upper,
  };
  layouts.set(key, layout);
  return layout;
}

/** The bucket slot of a finite value >= layout.minTrackableMs: the same as the formula above. */
export function bucketOf(layout: BucketLayout, valueMs: number): number {
  const cells = layout.cells;
  if (cells.length === 0)
    return clampedSlot(Math.ceil(Math.log(valueMs) * layout.inverseLogGamma) - layout.minIndex, layout.buckets);
  SCRATCH[0] = valueMs;
  const at = ((SCRATCH_WORDS[HIGH_WORD]! >>> layout.cellShift) - layout.cellBase) * 2;
  if (at >= cells.length) return layout.buckets - 1;
  return valueMs > cells[at + 1]! ? cells[at]! + 1 : cells[at]!;
}

function clampedSlot(slot: number, buckets: number): number {
  return slot >= buckets ? buckets - 1 : Math.max(slot, 0);
}

function highWord(value: number): number {
  SCRATCH[0] = value;
  return SCRATCH_WORDS[HIGH_WORD]!;
}

/** The largest double that `formula` puts in `slot` or below, searched from `near` one ulp at a time. */
function largestIn(slot: number, near: number, formula: (v: number) => number): number {
  let value = near;
  while (formula(value) > slot) value = step(value, -1n);
  for (let next = step(value, 1n); formula(next) <= slot; next = step(value, 1n)) value = next;
  return value;
}

/** The positive double `ulps` units in the last place from `value`. */
function step(value: number, ulps: bigint): number {
  SCRATCH[0] = value;
  BITS[0] = BITS[0]! + ulps;
  return SCRATCH[0]!;
}
