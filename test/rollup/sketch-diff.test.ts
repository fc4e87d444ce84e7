import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coveredMs } from '../../src/rollup/coverage.ts';
import { LogHistogram } from '../../src/rollup/sketch.ts';
import { subtractSketch } from '../../src/rollup/sketch-diff.ts';
import { heavyTailed } from './fixtures.ts';

function covered(intervals: [number, number][], from: number, to: number): number {
  const starts = Float64Array.from(intervals.map(([s]) => s));
  const ends = Float64Array.from(intervals.map(([, e]) => e));
  return coveredMs(starts, ends, intervals.length, from, to);
}

describe('coveredMs', () => {
  it('measures the union of intervals within the bounds, whatever their order', () => {
    assert.equal(covered([], 0, 10), 0, 'nothing covered');
    assert.equal(
      covered(
        [
          [0, 4],
          [6, 10],
        ],
        0,
        10,
      ),
      8,
      'two apart',
    );
    assert.equal(
      covered(
        [
          [6, 10],
          [0, 4],
        ],
        0,
        10,
      ),
      8,
      'newest first, as the buffer lists them',
    );
    assert.equal(
      covered(
        [
          [0, 6],
          [4, 10],
          [5, 7],
        ],
        0,
        10,
      ),
      10,
      'overlaps counted once',
    );
    assert.equal(
      covered(
        [
          [-5, 3],
          [8, 20],
        ],
        0,
        10,
      ),
      5,
      'clipped to the root',
    );
    const many: [number, number][] = Array.from({ length: 500 }, (_, i) => [
      (i * 7919) % 1000,
      ((i * 7919) % 1000) + 0.5,
    ]);
    assert.equal(covered(many, 0, 1000), 250, 'many out of order (the general sort)');
  });
});

describe('subtractSketch', () => {
  it('gives the sketch of exactly the values added in between', () => {
    const values = heavyTailed(500, 9);
    const before = new LogHistogram();
    const after = new LogHistogram();
    const between = new LogHistogram();
    values.forEach((v, i) => {
      after.add(v);
      if (i < 300) before.add(v);
      else between.add(v);
    });
    const difference = LogHistogram.fromJSON(subtractSketch(after.toJSON(), before.toJSON()));
    assert.equal(difference.count, 200, 'count');
    assert.deepEqual(difference.toJSON().counts, between.toJSON().counts, 'bucket counts');
    for (const q of [0.5, 0.9, 0.99])
      assert.equal(difference.quantile(q), between.quantile(q), `p${q * 100} as if recorded alone`);
  });

  it('keeps exact values while the later state has them, and estimates them when it has left exact mode', () => {
    const before = new LogHistogram();
    const after = new LogHistogram();
    [5, 7, 9].forEach((v) => {
      before.add(v);
    });
    [5, 7, 9, 11, 13].forEach((v) => {
      after.add(v);
    });
    assert.deepEqual(subtractSketch(after.toJSON(), before.toJSON()).values, [11, 13], 'the new raw values');
    const big = new LogHistogram();
    const bigBefore = new LogHistogram();
    for (let i = 0; i < 100; i++) {
      big.add(10 + i);
      if (i < 90) bigBefore.add(10 + i);
    }
    const tail = LogHistogram.fromJSON(subtractSketch(big.toJSON(), bigBefore.toJSON()));
    assert.equal(tail.count, 10, 'ten values in between');
    assert.equal(tail.max, 109, 'a new maximum is exact');
    assert.ok(
      Math.abs(tail.quantile(0.5) - 104) <= 0.02 * 104,
      `median within the sketch's accuracy (${tail.quantile(0.5)})`,
    );
    assert.throws(() => subtractSketch(bigBefore.toJSON(), big.toJSON()), /not part/, 'the earlier state second');
  });
});
