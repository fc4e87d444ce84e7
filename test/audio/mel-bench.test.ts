import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measureMel } from '../../bench/mel.ts';

describe('bench/mel.ts measureMel', () => {
  it('reports the paired ratio of its own medians for a single repeat', () => {
    const result = measureMel({ repeats: 1, durationS: 0.5 });
    assert.ok(result.melMs > 0 && result.fftFloorMs > 0, 'both timed');
    assert.ok(Math.abs(result.ratioToFftFloor - result.melMs / result.fftFloorMs) < 1e-12, 'ratio = mel / floor');
  });

  it('measures the log-mel error against the float64 reference', () => {
    const result = measureMel({ repeats: 3, durationS: 0.5 });
    assert.ok(Number.isFinite(result.ratioToFftFloor) && result.ratioToFftFloor > 0, 'a finite ratio');
    assert.ok(result.maxAbsError > 0, 'float32 output differs from float64 by rounding at least');
    assert.ok(result.maxAbsError <= 1e-4, `max abs error ${result.maxAbsError}`);
  });
});
