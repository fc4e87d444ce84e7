import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/core/random.ts';
import { EXACT_CAPACITY, LogHistogram, type SketchState } from '../../src/rollup/sketch.ts';
import { exactQuantile, heavyTailed } from './fixtures.ts';

const QUANTILES = [0.5, 0.9, 0.95, 0.99, 0.999];

describe('LogHistogram', () => {
  it('is within 1% of exact quantiles on heavy-tailed data', () => {
    const values = heavyTailed(200_000, 7);
    const histogram = new LogHistogram();
    for (const v of values) histogram.add(v);
    const sorted = Float64Array.from(values).sort();
    for (const q of QUANTILES) {
      const exact = exactQuantile(sorted, q);
      const estimate = histogram.quantile(q);
      const error = Math.abs(estimate - exact) / exact;
      assert.ok(error <= 0.01 + 1e-12, `q=${q}: estimate ${estimate} vs exact ${exact}, relative error ${error}`);
    }
    assert.equal(histogram.count, values.length, 'count is every value added');
  });

  it('honours a coarser relative accuracy', () => {
    const values = heavyTailed(50_000, 11);
    const histogram = new LogHistogram({ relativeAccuracy: 0.05 });
    for (const v of values) histogram.add(v);
    const sorted = Float64Array.from(values).sort();
    let worst = 0;
    for (const q of QUANTILES)
      worst = Math.max(worst, Math.abs(histogram.quantile(q) - exactQuantile(sorted, q)) / exactQuantile(sorted, q));
    assert.ok(worst <= 0.05 + 1e-12, `worst relative error ${worst} within 5%`);
    assert.ok(worst > 0.001, `a 5% sketch is visibly coarser (worst error ${worst})`);
  });

  it('answers exactly while it holds at most 64 values', () => {
    const random = mulberry32(3);
    const histogram = new LogHistogram();
    const values: number[] = [];
    for (let i = 0; i < EXACT_CAPACITY; i++) {
      const v = 1 + random() * 1000;
      values.push(v);
      histogram.add(v);
    }
    const sorted = Float64Array.from(values).sort();
    for (const q of [0.01, 0.25, ...QUANTILES]) {
      assert.equal(histogram.quantile(q), exactQuantile(sorted, q), `q=${q} is the exact value of rank ceil(q*n)`);
    }
    histogram.add(5000);
    assert.equal(histogram.toJSON().values, undefined, 'no raw values in state past 64');
  });

  it('gives p95 below p99 below max for 30 samples (no sorted[int(n*p)] ties)', () => {
    const histogram = new LogHistogram();
    for (let i = 1; i <= 30; i++) histogram.add(i);
    assert.equal(histogram.quantile(0.5), 15, 'median of 1..30 by rank ceil(15)');
    assert.equal(histogram.quantile(0.95), 29, 'p95 is rank 29');
    assert.equal(histogram.quantile(0.99), 30, 'p99 is the max with 30 samples');
  });

  it('keeps quantiles monotone and clamped to [min, max]', () => {
    const histogram = new LogHistogram();
    for (const v of heavyTailed(10_000, 5)) histogram.add(v);
    histogram.add(0.0000001);
    let previous = -Infinity;
    for (let q = 0; q <= 1.0000001; q += 0.0005) {
      const value = histogram.quantile(q);
      assert.ok(value >= previous, `quantile(${q}) = ${value} is not below the previous ${previous}`);
      assert.ok(value >= histogram.min && value <= histogram.max, `quantile(${q}) = ${value} within [min, max]`);
      previous = value;
    }
    assert.equal(histogram.quantile(0), histogram.min, 'q=0 is the min');
    assert.equal(histogram.quantile(1), histogram.max, 'q=1 is the max');
  });

  it('clamps a single value to itself', () => {
    const histogram = new LogHistogram();
    for (let i = 0; i < 100; i++) histogram.add(42.4242);
    for (const q of QUANTILES) assert.equal(histogram.quantile(q), 42.4242, `q=${q} of a constant is the constant`);
  });

  it('returns NaN when empty and handles zero, negative and non-finite values', () => {
    const histogram = new LogHistogram();
    assert.ok(Number.isNaN(histogram.quantile(0.5)), 'empty quantile is NaN');
    assert.ok(Number.isNaN(histogram.min) && Number.isNaN(histogram.max), 'empty min/max are NaN');
    histogram.add(Number.NaN);
    histogram.add(Infinity);
    assert.equal(histogram.count, 0, 'NaN and Infinity are ignored');
    histogram.add(-5);
    histogram.add(0);
    histogram.add(1e9);
    assert.equal(histogram.count, 3, 'negative, zero and huge values count');
    assert.equal(histogram.min, 0, 'negative counts as 0');
    assert.equal(histogram.max, 1e9, 'max keeps the real value beyond the trackable range');
    for (let i = 0; i < 100; i++) histogram.add(1e9);
    assert.equal(histogram.quantile(0.99), 1e9, 'values beyond range clamp to max');
    assert.equal(histogram.quantile(0.001), 0, 'values below range answer the min');
  });

  it('merges as if one histogram had seen every value', () => {
    const values = heavyTailed(20_000, 9);
    const whole = new LogHistogram();
    const left = new LogHistogram();
    const right = new LogHistogram();
    values.forEach((v, i) => {
      whole.add(v);
      (i % 3 === 0 ? left : right).add(v);
    });
    left.merge(right);
    assert.deepEqual(
      left.toJSON(),
      { ...whole.toJSON(), sum_ms: left.toJSON().sum_ms },
      'merged state equals the single histogram (sum up to rounding)',
    );
    assert.ok(Math.abs(left.sum - whole.sum) <= 1e-9 * whole.sum, 'sums agree up to float rounding');
  });

  it('merging a copy doubles counts without moving any quantile', () => {
    for (const n of [20, 32, 5000]) {
      const histogram = new LogHistogram();
      for (const v of heavyTailed(n, n)) histogram.add(v);
      const before = QUANTILES.map((q) => histogram.quantile(q));
      histogram.merge(LogHistogram.fromJSON(histogram.toJSON()));
      assert.equal(histogram.count, 2 * n, `count doubles for n=${n}`);
      assert.deepEqual(
        QUANTILES.map((q) => histogram.quantile(q)),
        before,
        `quantiles unchanged for n=${n}`,
      );
    }
    const large = new LogHistogram();
    for (const v of heavyTailed(5000, 4)) large.add(v);
    const before = QUANTILES.map((q) => large.quantile(q));
    large.merge(large);
    assert.equal(large.count, 10_000, 'merging with itself doubles');
    assert.deepEqual(
      QUANTILES.map((q) => large.quantile(q)),
      before,
      'quantiles unchanged after self-merge',
    );
  });

  it('stays within the relative accuracy when a merge leaves exact mode', () => {
    const histogram = new LogHistogram();
    for (const v of heavyTailed(40, 8)) histogram.add(v);
    const before = QUANTILES.map((q) => histogram.quantile(q));
    histogram.merge(LogHistogram.fromJSON(histogram.toJSON()));
    assert.equal(histogram.toJSON().values, undefined, '80 values are past exact mode');
    QUANTILES.forEach((q, i) => {
      const error = Math.abs(histogram.quantile(q) - before[i]!) / before[i]!;
      assert.ok(error <= 0.01 + 1e-12, `q=${q} moved by ${error}, within 1%`);
    });
  });

  it('refuses to merge different parameters', () => {
    const a = new LogHistogram();
    const b = new LogHistogram({ relativeAccuracy: 0.02 });
    assert.throws(() => a.merge(b), /incompatible sketch parameters/, 'accuracy mismatch throws');
    assert.throws(() => a.merge(new LogHistogram({ maxTrackableMs: 1000 })), /incompatible/, 'range mismatch throws');
  });

  it('round-trips through JSON exactly and compactly', () => {
    for (const n of [0, 10, 64, 65, 10_000]) {
      const histogram = new LogHistogram();
      for (const v of heavyTailed(n, 1)) histogram.add(v);
      const state = JSON.parse(JSON.stringify(histogram)) as SketchState;
      const back = LogHistogram.fromJSON(state);
      assert.deepEqual(back.toJSON(), histogram.toJSON(), `state round-trips for n=${n}`);
      for (const q of QUANTILES)
        assert.ok(Object.is(back.quantile(q), histogram.quantile(q)), `q=${q} survives for n=${n}`);
      assert.ok(state.counts.length <= 1200, `state holds only the non-empty bucket run (${state.counts.length})`);
    }
  });

  it('rejects bad states with a clear message', () => {
    const good = (() => {
      const h = new LogHistogram();
      for (let i = 1; i <= 100; i++) h.add(i);
      return h.toJSON();
    })();
    assert.throws(() => LogHistogram.fromJSON({ ...good, version: 2 }), /version/, 'future version');
    assert.throws(() => LogHistogram.fromJSON({ ...good, count: 101 }), /add up/, 'count mismatch');
    assert.throws(() => LogHistogram.fromJSON({ ...good, counts: [1, -1] }), /non-negative integer/, 'negative bucket');
    assert.throws(() => LogHistogram.fromJSON({ ...good, offset: 100_000 }), /outside/, 'buckets out of range');
    assert.throws(() => LogHistogram.fromJSON({ ...good, relative_accuracy: 2 }), /relativeAccuracy/, 'bad accuracy');
    assert.throws(
      () => LogHistogram.fromJSON({ ...good, count: 3, counts: [3], values: [1] }),
      /values/,
      'exact state without its values',
    );
    assert.throws(() => LogHistogram.fromJSON(null as unknown as SketchState), /not an object/, 'null');
  });

  it('reset forgets values but keeps working', () => {
    const histogram = new LogHistogram();
    for (const v of heavyTailed(1000, 2)) histogram.add(v);
    histogram.reset();
    assert.equal(histogram.count, 0, 'count reset');
    assert.deepEqual(histogram.toJSON().counts, [], 'buckets cleared');
    histogram.add(3);
    assert.equal(histogram.quantile(0.5), 3, 'works after reset');
  });
});
