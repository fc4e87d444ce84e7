import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_NPU_TIMING } from '../../src/accelerator/npu-timing.ts';
import { melTask } from '../../src/audio/tasks.ts';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';
import { SpeechDecoder, speechWindows } from '../../src/engine/reference/decode-windows.ts';
import { decoderTask, foldSeed, seedStart } from '../../src/engine/reference/decoder.ts';
import { crossStepsFor } from '../../src/engine/reference/decoder-steps.ts';
import { encoderTask } from '../../src/engine/reference/encoder.ts';
import { voicedFrames } from '../../src/engine/reference/speech-plan.ts';
import { sharedWeights } from '../../src/engine/reference/weights.ts';
import { StageRecorder } from '../../src/telemetry/recorder.ts';
import { speechLike } from './audio.ts';

let pool: WorkerPool;
before(() => {
  pool = createWorkerPool({ threads: 1 });
});
after(() => pool.close());

describe('decoder of long audio in slices', () => {
  it("gives the one-task decoder's transcript when every slice runs a single step, sampling at 0.4", async () => {
    const pcm = speechLike(6, 2);
    const rec = new StageRecorder('coarse', false);
    const weights = sharedWeights();
    const target = { device: 'npu-sim', offload: 'fused', column: 0, timing: DEFAULT_NPU_TIMING } as const;
    const encoded = encoderTask({ ...melTask({ pcm }, rec), weights, target }, rec);
    const settings = { language: undefined, prompt: 'Before.', temperature: 0.4, wordTimestamps: true, weights };
    const expected = decoderTask({ ...settings, encoder: encoded.output, positions: encoded.positions, pcm }, rec);

    const slices: string[] = [];
    const counting: WorkerPool = {
      ...pool,
      run: (task, payload, options) => {
        slices.push(task);
        return pool.run(task, payload, options);
      },
    };
    const speech = speechWindows(voicedFrames(pcm), pcm.length, encoded.positions);
    const decoder = new SpeechDecoder(counting, { ...settings, budgetMs: 0 }, speech, new AbortController().signal);
    decoder.seed = foldSeed(seedStart(settings.temperature), encoded.output) >>> 0;
    assert.deepEqual(decoder.pending, [0], 'one window with speech');
    const { transcript: decoded } = await decoder.next(encoded.output.slice());
    assert.ok(expected.tokens > 2, `the audio has tokens to generate (${expected.tokens})`);
    assert.deepEqual(decoded, expected, 'same tokens, text, segments, timestamps and words');
    assert.ok(
      slices.length >= crossStepsFor(encoded.positions) + expected.tokens,
      `one slice per step (${slices.length} slices)`,
    );
    assert.ok(
      slices.every((task) => task === 'decoder.slice'),
      'only decoder.slice tasks',
    );
  });
});
