/**
 * `--offload fused`: the whole encoder is one kernel. Per pass: one buffer transfer (the mel
 * spectrogram), one launch, one retrieval (the encoder output). The weights are resident: the
 * kernel reads them from device-visible memory without a per-call write or sync (npu-sim still
 * charges the DMA that streams them from DDR, since 79.3 MB cannot stay on the array).
 */
import type { BufferObject, Device, Kernel, KernelPhase } from '../../accelerator/device.ts';
import { offload } from '../../accelerator/offload.ts';
import type { StageRecorder } from '../../telemetry/recorder.ts';
import { convFront, encoderFlops, encoderLayer, layerScratch, projectInline } from './encoder-math.ts';
import { layerNorm } from './kernels.ts';
import type { EncoderModel } from './model.ts';
import { D_MODEL, ENCODER_LAYERS, encoderPositions, N_MELS } from './shapes.ts';

export interface FusedArgs {
  mel: BufferObject;
  out: BufferObject;
  frames: number;
  model: EncoderModel;
}

/** Bytes of every weight tensor of the encoder: what the kernel's DMA streams from DDR per pass. */
function weightBytes(model: EncoderModel): number {
  const linears = [
    model.conv1,
    model.conv2,
    ...model.layers.flatMap((l) => [l.attn.query, l.attn.key, l.attn.value, l.attn.out, l.fc1, l.fc2]),
  ];
  const norms = [model.postNorm, ...model.layers.flatMap((l) => [l.attnNorm, l.mlpNorm])];
  let bytes = 0;
  for (const linear of linears) bytes += linear.weight.byteLength + (linear.bias?.byteLength ?? 0);
  for (const norm of norms) bytes += norm.gain.byteLength + norm.shift.byteLength;
  return bytes;
}

const identityHost = <T>(fn: () => T): T => fn();

export const FUSED_ENCODER_KERNEL: Kernel<FusedArgs> = {
  name: 'encoder_fused',
  plan: ({ frames, model }) => {
    const flops = encoderFlops(frames);
    const phases: KernelPhase[] = [{ layer: undefined, flops: flops.front }];
    for (let l = 0; l < ENCODER_LAYERS; l++) phases.push({ layer: l, flops: flops.layer });
    return {
      flops: flops.front + ENCODER_LAYERS * flops.layer,
      bytesIn: 4 * N_MELS * frames + weightBytes(model),
      bytesOut: 4 * encoderPositions(frames) * D_MODEL,
      phases,
    };
  },
  execute: ({ mel, out, frames, model }, trace) => {
    const rows = encoderPositions(frames);
    const x = trace.run(undefined, () => convFront(mel.storage.subarray(0, N_MELS * frames), frames, model));
    const scratch = layerScratch(rows);
    model.layers.forEach((weights, l) => {
      trace.run(l, () => encoderLayer(x, rows, l, weights, scratch, projectInline, identityHost));
    });
    layerNorm(x, out.storage, rows, D_MODEL, model.postNorm.gain, model.postNorm.shift);
  },
  /**
   * Surrogate: a fixed sparse projection of the input, O(positions × 512): output (t, j) mixes
   * two mel bins of frame 2t with weights taken from conv1's centre tap.
   */
  surrogate: ({ mel, out, frames, model }) => {
    const rows = encoderPositions(frames);
    const m = mel.storage;
    const w = model.conv1.weight;
    const o = out.storage;
    for (let j = 0; j < D_MODEL; j++) {
      const first = (j % N_MELS) * frames;
      const second = ((j * 7 + 3) % N_MELS) * frames;
      const g = w[j * N_MELS * 3 + 1]!;
      const h = w[j * N_MELS * 3 + 4]!;
      for (let t = 0; t < rows; t++) o[t * D_MODEL + j] = m[first + 2 * t]! * g + m[second + 2 * t]! * h;
    }
  },
};

/** Runs one fused pass; its three stages are recorded at 'medium', its layers at 'fine'. */
export function runFused(
  device: Device,
  rec: StageRecorder,
  mel: Float32Array,
  frames: number,
  model: EncoderModel,
): { output: Float32Array; launches: number } {
  const rows = encoderPositions(frames);
  const melBo = device.allocate(mel.length);
  const outBo = device.allocate(rows * D_MODEL);
  const output = new Float32Array(rows * D_MODEL);
  offload(
    device,
    rec,
    {
      kernel: FUSED_ENCODER_KERNEL,
      args: { mel: melBo, out: outBo, frames, model },
      inputs: [{ bo: melBo, data: mel }],
      output: outBo,
      result: output,
    },
    'medium',
  );
  melBo.free();
  outBo.free();
  return { output, launches: 1 };
}
