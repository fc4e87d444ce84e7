/**
 * The arithmetic every benchmark row shares: medians and spreads over repeats, and ratios of
 * paired measurements. Kept apart from the timing code so tests can check it with tiny inputs.
 */

/** Median, extremes and relative spread of one row's repeats. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / |median|: how far apart the repeats were, as a fraction of the median. */
  relativeSpread: number;
  repeats: number;
}

/** The median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Summarises a row's repeats; throws on an empty list or a non-finite value (a broken measurement). */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no repeats to summarise');
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new Error(`a repeat measured ${bad}`);
  const mid = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return {
    median: mid,
    min,
    max,
    relativeSpread: mid === 0 ? (max === min ? 0 : Infinity) : (max - min) / Math.abs(mid),
    repeats: values.length,
  };
}

/**
 * Per-pair ratios `numerator[i] / denominator[i]` of measurements taken back to back, so drift of
 * a shared machine (slow for a minute, fast the next) cancels within each pair.
 */
export function pairedRatios(numerators: readonly number[], denominators: readonly number[]): number[] {
  if (numerators.length !== denominators.length)
    throw new Error(`unpaired measurements: ${numerators.length} vs ${denominators.length}`);
  return numerators.map((n, i) => {
    const d = denominators[i]!;
    if (d === 0) throw new Error(`pair ${i}: the anchor measured 0`);
    return n / d;
  });
}

/** Rotates `items` left by `round` places: round r starts with a different item each time, so
 *  no configuration always runs first (or right after the same neighbour). */
export function rotation<T>(items: readonly T[], round: number): T[] {
  const shift = ((round % items.length) + items.length) % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
