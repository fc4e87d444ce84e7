/**
 * The difference of two states of one growing sketch (a later snapshot minus an earlier one):
 * the sketch of exactly the values added in between. Bucket counts, the zero count and the sum
 * subtract exactly; raw values subtract as multisets while the later state still holds them.
 */
import { EXACT_CAPACITY, type SketchState } from './sketch.ts';

/** `after` minus `before`; throws when they have different parameters or `before` is not an
 *  earlier state of the same sketch (a count would go negative). */
export function subtractSketch(after: SketchState, before: SketchState): SketchState {
  if (
    after.relative_accuracy !== before.relative_accuracy ||
    after.min_trackable_ms !== before.min_trackable_ms ||
    after.max_trackable_ms !== before.max_trackable_ms
  ) {
    throw new Error('sketches with different parameters cannot be subtracted');
  }
  const count = after.count - before.count;
  const zero = after.zero_count - before.zero_count;
  const counts = new Map<number, number>();
  after.counts.forEach((n, i) => {
    counts.set(after.offset + i, n);
  });
  before.counts.forEach((n, i) => {
    counts.set(before.offset + i, (counts.get(before.offset + i) ?? 0) - n);
  });
  if (count < 0 || zero < 0 || [...counts.values()].some((n) => n < 0))
    throw new Error('the earlier sketch is not part of the later one');
  const indexes = [...counts]
    .filter(([, n]) => n > 0)
    .map(([index]) => index)
    .sort((a, b) => a - b);
  const low = indexes[0] ?? 0;
  const high = indexes[indexes.length - 1] ?? -1;
  const state: SketchState = {
    version: after.version,
    relative_accuracy: after.relative_accuracy,
    min_trackable_ms: after.min_trackable_ms,
    max_trackable_ms: after.max_trackable_ms,
    count,
    sum_ms: count === 0 ? 0 : Math.max(0, after.sum_ms - before.sum_ms),
    min_ms: null,
    max_ms: null,
    zero_count: zero,
    offset: indexes.length > 0 ? low : 0,
    counts: indexes.length > 0 ? Array.from({ length: high - low + 1 }, (_, i) => counts.get(low + i) ?? 0) : [],
  };
  if (count === 0) return { ...state, values: [] };
  const gamma = (1 + after.relative_accuracy) / (1 - after.relative_accuracy);
  const estimate = (index: number): number => (2 * gamma ** index) / (gamma + 1);
  // A new extreme arrived in between exactly when the later state's extreme beats the earlier's.
  const afterMin = after.min_ms ?? 0;
  const afterMax = after.max_ms ?? 0;
  const clamp = (v: number): number => Math.min(afterMax, Math.max(afterMin, v));
  state.min_ms =
    before.count === 0 || afterMin < (before.min_ms ?? Infinity) ? afterMin : clamp(zero > 0 ? 0 : estimate(low));
  state.max_ms =
    before.count === 0 || afterMax > (before.max_ms ?? -Infinity)
      ? afterMax
      : clamp(zero > 0 && indexes.length === 0 ? 0 : estimate(high));
  if (count <= EXACT_CAPACITY) {
    state.values = after.values
      ? multisetDifference(after.values, before.values ?? [])
      : estimatedValues(state, estimate);
    if (after.values) {
      state.min_ms = Math.min(...state.values);
      state.max_ms = Math.max(...state.values);
    }
  }
  return state;
}

/** `after` without one occurrence of each of `before`'s values. */
function multisetDifference(after: readonly number[], before: readonly number[]): number[] {
  const left = new Map<number, number>();
  for (const v of before) left.set(v, (left.get(v) ?? 0) + 1);
  const values: number[] = [];
  for (const v of after) {
    const n = left.get(v) ?? 0;
    if (n > 0) left.set(v, n - 1);
    else values.push(v);
  }
  return values;
}

/** Raw values a sketch of this small a count must carry, when the later state had left exact
 *  mode: each bucket's estimate (within the sketch's accuracy), clamped to [min, max]. */
function estimatedValues(state: SketchState, estimate: (index: number) => number): number[] {
  const min = state.min_ms ?? 0;
  const max = state.max_ms ?? 0;
  const values: number[] = new Array<number>(state.zero_count).fill(min);
  state.counts.forEach((n, i) => {
    for (let k = 0; k < n; k++) values.push(Math.min(max, Math.max(min, estimate(state.offset + i))));
  });
  if (values.length > 0) {
    values[0] = min;
    values[values.length - 1] = max;
  }
  return values;
}
