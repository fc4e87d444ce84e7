import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scalingEfficiency } from '../../bench/service-suite.ts';
import { median, pairedRatios, rotation, summarize } from '../../bench/stats.ts';
import { mainThreadCost } from '../../bench/tracing.ts';

describe('bench stats median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    assert.equal(median([5, 1, 3]), 3, 'middle of 1, 3, 5');
  });

  it('averages the middle two of an even count', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5, 'mean of 2 and 3');
  });

  it('is NaN for no values and does not reorder its input', () => {
    assert.ok(Number.isNaN(median([])), 'empty median is NaN');
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2], 'input left as given');
  });
});

describe('bench stats summarize', () => {
  it('reports median, extremes and the spread relative to the median', () => {
    const s = summarize([0.9, 1.1, 1.0]);
    assert.equal(s.median, 1.0, 'median');
    assert.equal(s.min, 0.9, 'min');
    assert.equal(s.max, 1.1, 'max');
    assert.ok(Math.abs(s.relativeSpread - 0.2) < 1e-12, `spread (1.1 - 0.9) / 1.0, got ${s.relativeSpread}`);
    assert.equal(s.repeats, 3, 'repeats');
  });

  it('gives a single repeat zero spread', () => {
    const s = summarize([42]);
    assert.deepEqual([s.median, s.min, s.max, s.relativeSpread, s.repeats], [42, 42, 42, 0, 1], 'one repeat');
  });

  it('handles a zero median without dividing by it', () => {
    assert.equal(summarize([0, 0]).relativeSpread, 0, 'all zero: no spread');
    assert.equal(summarize([-1, 0, 1]).relativeSpread, Infinity, 'zero median with spread');
  });

  it('refuses empty or non-finite repeats (a broken measurement)', () => {
    assert.throws(() => summarize([]), /no repeats/, 'empty');
    assert.throws(() => summarize([1, NaN]), /NaN/, 'NaN');
    assert.throws(() => summarize([Infinity]), /Infinity/, 'Infinity');
  });
});

describe('bench stats pairedRatios', () => {
  it('divides each measurement by its own pair, not by a pooled anchor', () => {
    // Pooled means would give (3 + 6) / (2 + 8) = 0.9; each pair must stand alone.
    assert.deepEqual(pairedRatios([3, 6], [2, 8]), [1.5, 0.75], 'per-pair ratios');
  });

  it('rejects unpaired lists and a zero anchor', () => {
    assert.throws(() => pairedRatios([1, 2], [1]), /unpaired/, 'lengths differ');
    assert.throws(() => pairedRatios([1], [0]), /anchor measured 0/, 'zero anchor');
  });
});

describe('bench stats rotation', () => {
  it('starts each round with the next item and keeps the cyclic order', () => {
    const items = ['off', 'medium', 'fine'];
    assert.deepEqual(rotation(items, 0), ['off', 'medium', 'fine'], 'round 0');
    assert.deepEqual(rotation(items, 1), ['medium', 'fine', 'off'], 'round 1');
    assert.deepEqual(rotation(items, 2), ['fine', 'off', 'medium'], 'round 2');
    assert.deepEqual(rotation(items, 3), items, 'round 3 wraps');
    assert.deepEqual(items, ['off', 'medium', 'fine'], 'input untouched');
  });

  it('puts every item first equally often over whole cycles', () => {
    const firsts = Array.from({ length: 9 }, (_, r) => rotation(['a', 'b', 'c'], r)[0]);
    for (const item of ['a', 'b', 'c'])
      assert.equal(firsts.filter((f) => f === item).length, 3, `${item} first 3 times`);
  });
});

describe('bench scalingEfficiency', () => {
  it('is 1 when doubling the streams doubles the throughput', () => {
    assert.equal(scalingEfficiency(2, 4), 1, 'perfect scaling');
    assert.equal(scalingEfficiency(2, 2), 0.5, 'no gain from 8 streams');
  });

  it('refuses a zero 4-stream throughput', () => {
    assert.throws(() => scalingEfficiency(0, 1), /no throughput/, 'zero anchor');
  });
});

describe('bench tracing mainThreadCost', () => {
  it("is the main-thread CPU tracing adds per request over the untraced service's total, round by round", () => {
    const phase = {
      cpuSecondsPerRequest: { off: [1.0, 2.0], medium: [1.1, 2.1], fine: [1.2, 2.2] },
      mainThreadCpuSecondsPerRequest: { off: [0.004, 0.004], medium: [0.009, 0.014], fine: [0.014, 0.004] },
    };
    const medium = mainThreadCost(phase, 'medium');
    assert.ok(
      Math.abs(medium[0]! - 0.005) < 1e-12 && Math.abs(medium[1]! - 0.005) < 1e-12,
      `5 ms of 1 s, 10 ms of 2 s: ${medium}`,
    );
    assert.deepEqual(
      mainThreadCost(phase, 'fine').map((v) => Number(v.toFixed(6))),
      [0.01, 0],
      'fine per round',
    );
  });
});
