/**
 * `--offload matmul`, the original service's scheme: six matmul launches per layer (Q, K, V, out,
 * fc1, fc2), 36 per pass. Every launch writes A and B -- the weights re-sent each call -- syncs them
 * to the device, runs and waits, syncs C back and reads it. The convolutions, LayerNorm, attention
 * scores and softmax, GELU and the bias adds run on the host between launches.
 */
import type { Device } from '../../accelerator/device.ts';
import { HostWork } from '../../accelerator/host-work.ts';
import { deviceStage, LaunchTotals, offload, recordTotals } from '../../accelerator/offload.ts';
import { ATTR, SPAN } from '../../telemetry/names.ts';
import type { StageRecorder } from '../../telemetry/recorder.ts';
import { convFront, encoderLayer, layerScratch, type Project } from './encoder-math.ts';
import { addBiasRows, layerNorm } from './kernels.ts';
import { MATMUL_KERNEL } from './matmul-kernel.ts';
import type { EncoderModel } from './model.ts';
import { D_FFN, D_MODEL, encoderPositions } from './shapes.ts';

/**
 * Runs one matmul-offload pass. Per-launch stages and `encoder.layer` are recorded at 'fine';
 * at 'medium' the pass gets three aggregate stages instead (see recordTotals).
 */
export function runMatmul(
  device: Device,
  rec: StageRecorder,
  mel: Float32Array,
  frames: number,
  model: EncoderModel,
): { output: Float32Array; launches: number } {
  const rows = encoderPositions(frames);
  const totals = new LaunchTotals();
  const hostWork = new HostWork(rec, device, totals);
  const host = <T>(fn: () => T): T => hostWork.run(fn);
  const x = host(() => convFront(mel, frames, model));
  hostWork.flush();
  // One set of buffer objects, sized for the largest operands and reused by every launch.
  const a = device.allocate(rows * D_FFN);
  const w = device.allocate(D_MODEL * D_FFN);
  const c = device.allocate(rows * D_FFN);
  const project: Project = (input, m, linear, out, layer) => {
    hostWork.flush();
    const k = linear.inputs;
    const n = linear.outputs;
    const result = out.subarray(0, m * n);
    offload(
      device,
      rec,
      {
        kernel: MATMUL_KERNEL,
        args: { a, w, c, m, k, n },
        inputs: [
          { bo: a, data: input.subarray(0, m * k) },
          { bo: w, data: linear.weight },
        ],
        output: c,
        result,
        layer,
      },
      'fine',
      totals,
    );
    const bias = linear.bias;
    if (bias) host(() => addBiasRows(result, bias, m, n));
  };
  const scratch = layerScratch(rows);
  model.layers.forEach((weights, l) => {
    deviceStage(rec, device, SPAN.ENCODER_LAYER, 'fine', { [ATTR.NPU_LAYER]: l }, () => {
      encoderLayer(x, rows, l, weights, scratch, project, host);
      hostWork.flush();
    });
  });
  const output = host(() => {
    const normalised = new Float32Array(rows * D_MODEL);
    layerNorm(x, normalised, rows, D_MODEL, model.postNorm.gain, model.postNorm.shift);
    return normalised;
  });
  hostWork.flush();
  for (const bo of [a, w, c]) bo.free();
  recordTotals(rec, device, totals, MATMUL_KERNEL.name);
  return { output, launches: totals.launches };
}
