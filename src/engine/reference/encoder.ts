/**
 * The 'encoder' worker task: one encoder pass over a mel spectrogram on the device and in the
 * offload mode its target names. Returns the encoder output (positions × 512) and the end of the
 * pass on the device timeline, which the main thread waits for (see accelerator.ts).
 */
import type { DeviceTarget } from '../../accelerator/device.ts';
import { openDevice } from '../../accelerator/open-device.ts';
import type { PassResult } from '../../accelerator/accelerator.ts';
import type { StageRecorder } from '../../telemetry/recorder.ts';
import { runFused } from './encoder-fused.ts';
import { runMatmul } from './encoder-matmul.ts';
import { encoderModel } from './model.ts';
import { N_MELS, encoderPositions } from './shapes.ts';
import type { WeightSet } from './weights.ts';

export interface EncoderPayload {
  /** Bin-major [bins][frames] log-mel. */
  mel: Float32Array;
  frames: number;
  bins: number;
  weights: WeightSet;
  target: DeviceTarget;
}

export interface EncoderResult extends PassResult {
  /** Position-major [positions][512]. */
  output: Float32Array;
  positions: number;
  launches: number;
}

export function encoderTask(payload: EncoderPayload, rec: StageRecorder): EncoderResult {
  const { mel, frames, bins, target } = payload;
  if (bins !== N_MELS) throw new Error(`the reference encoder takes ${N_MELS} mel bins, got ${bins}`);
  if (mel.length !== bins * frames) throw new Error(`mel has ${mel.length} values, expected ${bins} x ${frames}`);
  const device = openDevice(target);
  if (frames === 0) return { output: new Float32Array(0), positions: 0, launches: 0, endMs: device.now() };
  const model = encoderModel(payload.weights);
  const pass = target.offload === 'fused' ? runFused(device, rec, mel, frames, model) : runMatmul(device, rec, mel, frames, model);
  return { output: pass.output, positions: encoderPositions(frames), launches: pass.launches, endMs: device.now() };
}
