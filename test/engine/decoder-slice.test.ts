import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decoderSliceTask } from '../../src/engine/reference/decoder-slice.ts';
import { CROSS_ROWS, crossStepsFor, startWindow } from '../../src/engine/reference/decoder-steps.ts';
import { D_MODEL } from '../../src/engine/reference/shapes.ts';
import { sharedWeights } from '../../src/engine/reference/weights.ts';
import { StageRecorder } from '../../src/telemetry/recorder.ts';

describe('decoderSliceTask', () => {
  it('stops in the cross-attention when preempted, even if the shorter task has left before the token loop', () => {
    const rows = 2 * CROSS_ROWS;
    const encoder = new Float32Array(rows * D_MODEL).fill(0.01);
    const plans = [{ window: 0, start: 0, end: 2, voicedFraction: 1, tokens: 2 }];
    const progress = startWindow(encoder, plans, [], undefined, 1);
    // Preempted when the first step ends, then no longer: the short task came and went.
    const answers = [true];
    const context = { preempted: () => answers.shift() ?? false };
    const rec = new StageRecorder('medium', true);
    const payload = { progress, language: undefined, temperature: 0, weights: sharedWeights(), budgetMs: 60_000 };
    const result = decoderSliceTask(payload, rec, context).value;
    assert.equal(result.progress?.crossSteps, 1, 'one cross-attention step, then the slice stopped');
    assert.ok(crossStepsFor(rows) > 1, 'the cross-attention was not done');
    assert.deepEqual(
      rec.records.map((record) => record.name),
      ['decoder.attention'],
      'no token generation before the cross-attention is done',
    );
  });
});
