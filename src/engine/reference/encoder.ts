/**
 * The 'encoder' worker task: the encoder over a mel spectrogram on the device and in the offload
 * mode its target names, one pass per 30 s window as Whisper runs it (windows are independent:
 * each has its own convolution edges, positions and attention), so memory stays bounded for long
 * audio. Returns the encoder output (positions × 512) and the end of the work on the device
 * timeline, which the main thread waits for (see accelerator.ts).
 */

import type { PassResult } from '../../accelerator/accelerator.ts';
import type { DeviceTarget } from '../../accelerator/device.ts';
import { openDevice } from '../../accelerator/open-device.ts';
import type { StageRecorder } from '../../telemetry/recorder.ts';
import { runFused } from './encoder-fused.ts';
import { runMatmul } from './encoder-matmul.ts';
import { encoderModel } from './model.ts';
import { D_MODEL, encoderPositions, N_MELS, WINDOW_FRAMES } from './shapes.ts';
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
  /** Kernel launches over all passes. */
  launches: number;
}

/** Frames [from, from + count) of a bin-major spectrogram, as its own bin-major array. */
function windowOf(mel: Float32Array, frames: number, from: number, count: number): Float32Array {
  if (from === 0 && count === frames) return mel;
  const window = new Float32Array(N_MELS * count);
  for (let b = 0; b < N_MELS; b++) window.set(mel.subarray(b * frames + from, b * frames + from + count), b * count);
  return window;
}

export function encoderTask(payload: EncoderPayload, rec: StageRecorder): EncoderResult {
  const { mel, frames, bins, target } = payload;
  if (bins !== N_MELS) throw new Error(`the reference encoder takes ${N_MELS} mel bins, got ${bins}`);
  if (mel.length !== bins * frames) throw new Error(`mel has ${mel.length} values, expected ${bins} x ${frames}`);
  const device = openDevice(target);
  const model = encoderModel(payload.weights);
  const positions = encoderPositions(frames);
  const pass = target.offload === 'fused' ? runFused : runMatmul;
  // One window (every pass of long audio): its pass's output is the result, without a copy.
  if (frames <= WINDOW_FRAMES && frames > 0) {
    const result = pass(device, rec, mel, frames, model);
    return { output: result.output, positions, launches: result.launches, endMs: device.now() };
  }
  const output = new Float32Array(positions * D_MODEL);
  let launches = 0;
  for (let from = 0, row = 0; from < frames; from += WINDOW_FRAMES) {
    const count = Math.min(WINDOW_FRAMES, frames - from);
    const result = pass(device, rec, windowOf(mel, frames, from, count), count, model);
    output.set(result.output, row * D_MODEL);
    row += encoderPositions(count);
    launches += result.launches;
  }
  return { output, positions, launches, endMs: device.now() };
}
