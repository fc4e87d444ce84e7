import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/core/random.ts';
import { CompletionSeries } from '../../src/loadgen/completion-series.ts';
import { bootstrapQuantile, logSpread, throughputSpread } from '../../src/report/gate-resample.ts';
import { LogHistogram } from '../../src/rollup/sketch.ts';

function sketchOf(values: number[]): ReturnType<LogHistogram['toJSON']> {
  const h = new LogHistogram();
  for (const v of values) h.add(v);
  return h.toJSON();
}

function lognormal(n: number, start: number, sigma = 0.3): number[] {
  const random = mulberry32(start);
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return 100 * Math.exp(sigma * z);
  });
}

describe('mulberry32', () => {
  it('gives the same sequence from the same start, in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 100 }, () => a());
    assert.deepEqual(
      xs,
      Array.from({ length: 100 }, () => b()),
      'same start, same numbers',
    );
    assert.ok(
      xs.every((x) => x >= 0 && x < 1),
      'uniform range',
    );
  });
});

describe('bootstrapQuantile', () => {
  it('centres on the sample quantile, exactly for raw values', () => {
    const state = sketchOf([5, 1, 4, 2, 3]);
    const replicates = bootstrapQuantile(state, 0.5, 2000, mulberry32(1));
    const sorted = [...replicates].sort((x, y) => x - y);
    assert.equal(sorted[1000], 3, 'median of the medians is the median');
  });

  it('agrees with resampling the values one by one', () => {
    const values = lognormal(50, 3);
    const state = sketchOf(values);
    const random = mulberry32(2);
    const direct = Array.from({ length: 4000 }, () => {
      const draw = Array.from({ length: values.length }, () => values[Math.floor(random() * values.length)]!);
      return draw.sort((x, y) => x - y)[Math.ceil(0.5 * values.length) - 1]!;
    });
    const beta = bootstrapQuantile(state, 0.5, 4000, mulberry32(3));
    const ratio = logSpread(beta) / logSpread(direct);
    assert.ok(ratio > 0.85 && ratio < 1.15, `spread of the order-statistic shortcut / direct resampling = ${ratio}`);
  });

  it('narrows as 1 / sqrt(n) once the samples are in buckets, while the spread is wider than a bucket', () => {
    const small = logSpread(bootstrapQuantile(sketchOf(lognormal(100, 4, 1)), 0.5, 3000, mulberry32(5)));
    const large = logSpread(bootstrapQuantile(sketchOf(lognormal(900, 6, 1)), 0.5, 3000, mulberry32(7)));
    const ratio = small / large;
    assert.ok(ratio > 2.2 && ratio < 4, `9 times the samples: spread ratio ${ratio}, about 3`);
  });
});

describe('throughputSpread', () => {
  it('is about zero for evenly spaced completions', () => {
    const series = new CompletionSeries();
    for (let i = 1; i <= 20; i++) series.record(i * 100 - 5, 1);
    const spread = throughputSpread(series.toJSON());
    assert.ok(spread < 0.005, `even gaps: ${spread}`);
  });

  it('follows the gaps between completions: about their coefficient of variation / sqrt(n)', () => {
    const random = mulberry32(9);
    const series = new CompletionSeries();
    let at = 0;
    for (let i = 0; i < 60; i++) {
      at += -Math.log(1 - random()) * 40;
      series.record(at, 1);
    }
    const spread = throughputSpread(series.toJSON());
    assert.ok(spread > 0.09 && spread < 0.17, `exponential gaps (CV 1), n 60: ${spread}, about 0.13`);
  });

  it('is NaN with fewer than two completions', () => {
    const series = new CompletionSeries();
    series.record(5, 1);
    assert.ok(Number.isNaN(throughputSpread(series.toJSON())), 'one completion has no spread');
  });
});
