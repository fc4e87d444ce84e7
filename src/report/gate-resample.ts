/**
 * The sampling spread of what one run kept per request: bootstrap replicates of a quantile of a
 * latency or span-duration sketch, and the spread of the throughput from a completion series. The
 * bootstrap takes its random source as an argument, so the same two files always give the same
 * interval.
 */

import type { Random } from '../core/random.ts';
import type { CompletionSeriesState } from '../loadgen/completion-series.ts';
import type { SketchState } from '../rollup/sketch.ts';

function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia and Tsang (with the boost for shape < 1). */
function gamma(shape: number, random: Random): number {
  if (shape < 1) return gamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(a: number, b: number, random: Random): number {
  const x = gamma(a, random);
  return x / (x + gamma(b, random));
}

/** A sketch's values as an ascending step function: value i holds `weights[i]` of the samples. */
interface Distribution {
  values: number[];
  /** Running totals of the weights. */
  cumulative: number[];
  count: number;
}

function distribution(state: SketchState): Distribution {
  const pairs: [number, number][] = [];
  if (state.values && state.values.length === state.count) {
    for (const v of state.values) pairs.push([v, 1]);
  } else {
    const gamma_ = (1 + state.relative_accuracy) / (1 - state.relative_accuracy);
    if (state.zero_count > 0) pairs.push([state.min_ms ?? 0, state.zero_count]);
    state.counts.forEach((n, i) => {
      if (n > 0) pairs.push([(2 * gamma_ ** (state.offset + i)) / (gamma_ + 1), n]);
    });
  }
  pairs.sort((x, y) => x[0] - y[0]);
  let total = 0;
  const cumulative = pairs.map(([, w]) => {
    total += w;
    return total;
  });
  return { values: pairs.map(([v]) => v), cumulative, count: total };
}

/** The value at cumulative fraction u of a distribution (its inverse distribution function). */
function valueAt(d: Distribution, u: number): number {
  const rank = Math.max(1, Math.ceil(u * d.count));
  let low = 0;
  let high = d.cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (d.cumulative[mid]! >= rank) high = mid;
    else low = mid + 1;
  }
  return d.values[low]!;
}

/**
 * `iterations` bootstrap replicates of the q-quantile of a sketch's samples. The k-th smallest of
 * n draws from the empirical distribution is F^-1 of the k-th smallest of n uniforms, which is
 * Beta(k, n - k + 1): one draw per replicate, however many samples the sketch holds.
 */
export function bootstrapQuantile(state: SketchState, q: number, iterations: number, random: Random): number[] {
  const d = distribution(state);
  if (d.count === 0) return [];
  const n = d.count;
  const k = Math.min(n, Math.max(1, Math.ceil(q * n * (1 - 1e-12))));
  return Array.from({ length: iterations }, () => valueAt(d, beta(k, n - k + 1, random)));
}

/**
 * The sampling spread of log(throughput) from a completion series. Throughput is the audio of n
 * completions over the sum of the n gaps between them, a ratio of two means; the delta method
 * gives its spread from the variances and the covariance of (audio, gap) per completion. Within a
 * bin the completions are taken as evenly spread. NaN with fewer than two completions.
 */
export function throughputSpread(series: CompletionSeriesState): number {
  const audio: number[] = [];
  const gaps: number[] = [];
  let last = 0;
  series.requests.forEach((count, bin) => {
    for (let k = 0; k < count; k++) {
      const at = (bin + (k + 0.5) / count) * series.bin_ms;
      audio.push(series.audio_s[bin]! / count);
      gaps.push(at - last);
      last = at;
    }
  });
  const n = audio.length;
  if (n < 2) return NaN;
  const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / n;
  const [ma, mg] = [mean(audio), mean(gaps)];
  if (ma <= 0 || mg <= 0) return NaN;
  let va = 0;
  let vg = 0;
  let cov = 0;
  for (let i = 0; i < n; i++) {
    va += (audio[i]! - ma) ** 2;
    vg += (gaps[i]! - mg) ** 2;
    cov += (audio[i]! - ma) * (gaps[i]! - mg);
  }
  const relative = va / (n - 1) / (ma * ma) + vg / (n - 1) / (mg * mg) - (2 * cov) / (n - 1) / (ma * mg);
  return Math.sqrt(Math.max(0, relative) / n);
}

/** Standard deviation of the logarithms of positive replicates; NaN when fewer than two. */
export function logSpread(replicates: readonly number[]): number {
  const logs = replicates.filter((v) => v > 0).map(Math.log);
  if (logs.length < 2) return NaN;
  const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
  return Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / (logs.length - 1));
}
