import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/core/random.ts';
import { type BucketLayout, bucketLayout, bucketOf } from '../../src/rollup/buckets.ts';

/** The definition bucketOf must match. */
function formula(layout: BucketLayout, v: number): number {
  const slot = Math.ceil(Math.log(v) * layout.inverseLogGamma) - layout.minIndex;
  return slot >= layout.buckets ? layout.buckets - 1 : Math.max(slot, 0);
}

const scratch = new Float64Array(1);
const bits = new BigUint64Array(scratch.buffer);
function ulps(v: number, n: number): number {
  scratch[0] = v;
  bits[0] = bits[0]! + BigInt(n);
  return scratch[0]!;
}

function agreesEverywhere(layout: BucketLayout, seed: number): void {
  for (let slot = 0; slot < layout.buckets - 1; slot++) {
    const limit = layout.upper[slot]!;
    for (let n = -3; n <= 3; n++) {
      const v = ulps(limit, n);
      if (v < layout.minTrackableMs) continue;
      assert.equal(bucketOf(layout, v), formula(layout, v), `slot ${slot}: ${v} (${n} ulps from its upper limit)`);
    }
  }
  const random = mulberry32(seed);
  const low = Math.log(layout.minTrackableMs);
  const span = Math.log(layout.maxTrackableMs * 4) - low;
  for (let i = 0; i < 200_000; i++) {
    const v = Math.exp(low + random() * span);
    assert.equal(bucketOf(layout, v), formula(layout, v), `random value ${v}`);
  }
  for (const v of [layout.minTrackableMs, layout.maxTrackableMs, layout.maxTrackableMs * 1e6, 1, 2, 1000]) {
    assert.equal(bucketOf(layout, v), formula(layout, v), `edge value ${v}`);
  }
}

describe('bucketOf', () => {
  it('puts every value where ceil(ln v / ln gamma) does, at the default parameters', () => {
    const layout = bucketLayout();
    assert.ok(layout.cells.length > 0, 'the default layout uses the table');
    agreesEverywhere(layout, 7);
  });

  it('agrees for other accuracies and ranges, and falls back to Math.log for very fine ones', () => {
    agreesEverywhere(bucketLayout({ relativeAccuracy: 0.05 }), 8);
    agreesEverywhere(bucketLayout({ relativeAccuracy: 0.002, minTrackableMs: 0.5, maxTrackableMs: 70_000 }), 9);
    const fine = bucketLayout({ relativeAccuracy: 0.00005, minTrackableMs: 1, maxTrackableMs: 10 });
    assert.equal(fine.cells.length, 0, 'no table for an accuracy this fine');
    agreesEverywhere(fine, 10);
  });

  it('builds each layout once and validates the parameters', () => {
    assert.equal(bucketLayout({ relativeAccuracy: 0.01 }), bucketLayout(), 'the same parameters give the same layout');
    assert.throws(() => bucketLayout({ relativeAccuracy: 1 }), /relativeAccuracy/, 'accuracy must be below 1');
    assert.throws(() => bucketLayout({ minTrackableMs: 0 }), /minTrackableMs/, 'the range must start above 0');
    assert.throws(
      () => bucketLayout({ minTrackableMs: 5, maxTrackableMs: 5 }),
      /maxTrackableMs/,
      'the range must not be empty',
    );
  });
});
