/** Deterministic data for rollup tests and benchmarks. */

import { mulberry32 } from '../../src/core/random.ts';

export { mulberry32 };

/**
 * Latency-like heavy-tailed values in ms: a log-normal body (median 20 ms, sigma 0.8) with 2% of
 * values from a Pareto tail (alpha 1.2, from 100 ms), capped at 10 minutes.
 */
export function heavyTailed(n: number, seed: number): number[] {
  const random = mulberry32(seed);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (random() < 0.02) {
      values[i] = Math.min(600_000, 100 / (1 - random()) ** (1 / 1.2));
    } else {
      const u1 = 1 - random();
      const u2 = random();
      const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      values[i] = 20 * Math.exp(0.8 * normal);
    }
  }
  return values;
}

/** The exact quantile with the sketch's definition: the value of rank ceil(q * n) in sorted order. */
export function exactQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (q <= 0) return sorted[0]!;
  if (q >= 1) return sorted[n - 1]!;
  const rank = Math.max(1, Math.ceil(q * n * (1 - 1e-12)));
  return sorted[rank - 1]!;
}
