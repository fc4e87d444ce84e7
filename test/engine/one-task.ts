/**
 * The reference every long-audio path is held to: the whole audio as one mel, one encoder and one
 * decoder task, run here in the test's thread. The windowed, turn-taking and sliced paths must give
 * exactly its transcript.
 */
import { DEFAULT_NPU_TIMING } from '../../src/accelerator/npu-timing.ts';
import { melTask } from '../../src/audio/tasks.ts';
import type { TranscribeRequest } from '../../src/engine/engine.ts';
import { decoderTask } from '../../src/engine/reference/decoder.ts';
import { encoderTask } from '../../src/engine/reference/encoder.ts';
import { sharedWeights } from '../../src/engine/reference/weights.ts';
import { StageRecorder } from '../../src/telemetry/recorder.ts';

/** What the one-task path needs of a request. */
export type OneTaskRequest = Pick<TranscribeRequest, 'pcm' | 'language' | 'prompt' | 'temperature' | 'wordTimestamps'>;

/** The one-task decoder's result (transcript and token count) for `request`, on npu-sim with fused offload. */
export function oneTaskDecode(request: OneTaskRequest): ReturnType<typeof decoderTask> {
  const rec = new StageRecorder('coarse', false);
  const weights = sharedWeights();
  const target = { device: 'npu-sim', offload: 'fused', column: 0, timing: DEFAULT_NPU_TIMING } as const;
  const encoded = encoderTask({ ...melTask({ pcm: request.pcm }, rec), weights, target }, rec);
  return decoderTask({ ...request, encoder: encoded.output, positions: encoded.positions, weights }, rec);
}
