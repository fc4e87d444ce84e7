/**
 * Seeded randomness where a result must repeat: the regression gate's bootstrap (the same two
 * files always give the same verdict), and the tests', fuzzers' and benchmarks' inputs.
 */

/** A uniform [0, 1) source. */
export type Random = () => number;

/** mulberry32: a small, fast, seedable generator, uniform in [0, 1). Not for cryptography. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
