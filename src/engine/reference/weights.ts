/**
 * Deterministic synthetic weights with Whisper-base shapes. No real weights can be downloaded
 * here, so every tensor is drawn from a seeded generator (one stream per tensor name) with scales
 * that keep activations near unit variance through the layers. Generated once, in the main
 * thread, into one SharedArrayBuffer that every worker task reads without copying.
 */

import { hashString, Xorshift32 } from './prng.ts';
import { D_FFN, D_MODEL, DECODER_LAYERS, ENCODER_LAYERS, N_MELS } from './shapes.ts';
import { VOCAB_SIZE } from './vocabulary.ts';

/** The default seed; the same seed always gives the same weights, hence the same text. */
export const WEIGHT_SEED = 0x5eed;

/** All tensors in one shared buffer; `tensors` maps a name to [offset, length] in float32 elements. */
export interface WeightSet {
  buffer: SharedArrayBuffer;
  tensors: Record<string, [number, number]>;
}

type Init = 'linear' | 'bias' | 'gain' | 'embedding';

interface TensorSpec {
  name: string;
  length: number;
  init: Init;
  fanIn: number;
}

function linearSpecs(name: string, inputs: number, outputs: number, bias: boolean): TensorSpec[] {
  const specs: TensorSpec[] = [{ name: `${name}.weight`, length: inputs * outputs, init: 'linear', fanIn: inputs }];
  if (bias) specs.push({ name: `${name}.bias`, length: outputs, init: 'bias', fanIn: inputs });
  return specs;
}

function normSpecs(name: string): TensorSpec[] {
  return [
    { name: `${name}.gain`, length: D_MODEL, init: 'gain', fanIn: 1 },
    { name: `${name}.shift`, length: D_MODEL, init: 'bias', fanIn: 1 },
  ];
}

function attentionSpecs(name: string): TensorSpec[] {
  // Whisper's key projection has no bias.
  return [
    ...linearSpecs(`${name}.query`, D_MODEL, D_MODEL, true),
    ...linearSpecs(`${name}.key`, D_MODEL, D_MODEL, false),
    ...linearSpecs(`${name}.value`, D_MODEL, D_MODEL, true),
    ...linearSpecs(`${name}.out`, D_MODEL, D_MODEL, true),
  ];
}

function mlpSpecs(name: string): TensorSpec[] {
  return [...linearSpecs(`${name}.fc1`, D_MODEL, D_FFN, true), ...linearSpecs(`${name}.fc2`, D_FFN, D_MODEL, true)];
}

/** Every tensor of the model, in storage order. Convolutions are stored [out][in·3], im2col order. */
export function tensorSpecs(): TensorSpec[] {
  const specs: TensorSpec[] = [
    ...linearSpecs('encoder.conv1', N_MELS * 3, D_MODEL, true),
    ...linearSpecs('encoder.conv2', D_MODEL * 3, D_MODEL, true),
  ];
  for (let l = 0; l < ENCODER_LAYERS; l++) {
    const p = `encoder.${l}`;
    specs.push(
      ...normSpecs(`${p}.attn_ln`),
      ...attentionSpecs(`${p}.attn`),
      ...normSpecs(`${p}.mlp_ln`),
      ...mlpSpecs(`${p}.mlp`),
    );
  }
  specs.push(...normSpecs('encoder.ln_post'));
  specs.push({ name: 'decoder.token_embedding', length: VOCAB_SIZE * D_MODEL, init: 'embedding', fanIn: D_MODEL });
  for (let l = 0; l < DECODER_LAYERS; l++) {
    const p = `decoder.${l}`;
    specs.push(
      ...normSpecs(`${p}.attn_ln`),
      ...attentionSpecs(`${p}.attn`),
      ...normSpecs(`${p}.cross_ln`),
      ...attentionSpecs(`${p}.cross`),
      ...normSpecs(`${p}.mlp_ln`),
      ...mlpSpecs(`${p}.mlp`),
    );
  }
  specs.push(...normSpecs('decoder.ln'));
  return specs;
}

function initialise(target: Float32Array, spec: TensorSpec, seed: number): void {
  const rng = new Xorshift32(hashString(spec.name, seed));
  switch (spec.init) {
    case 'linear':
      // Uniform with variance 1/fanIn: a unit-variance input gives a unit-variance output.
      rng.fillUniform(target, Math.sqrt(3 / spec.fanIn));
      return;
    case 'bias':
      rng.fillUniform(target, 0.02);
      return;
    case 'gain':
      rng.fillUniform(target, 0.1);
      for (let i = 0; i < target.length; i++) target[i] = target[i]! + 1;
      return;
    case 'embedding':
      // Standard deviation 0.25: logits of a normalised state spread by about ±6, so the
      // greedy choice depends on the audio rather than being a near tie.
      rng.fillUniform(target, 0.25 * Math.sqrt(3));
      return;
  }
}

/** Generates the whole model (about 49M parameters, 197 MB) into one SharedArrayBuffer. */
export function createWeights(seed = WEIGHT_SEED): WeightSet {
  const specs = tensorSpecs();
  const total = specs.reduce((sum, spec) => sum + spec.length, 0);
  const buffer = new SharedArrayBuffer(total * Float32Array.BYTES_PER_ELEMENT);
  const tensors: Record<string, [number, number]> = {};
  let offset = 0;
  for (const spec of specs) {
    initialise(new Float32Array(buffer, offset * 4, spec.length), spec, seed);
    tensors[spec.name] = [offset, spec.length];
    offset += spec.length;
  }
  return { buffer, tensors };
}

const generated = new Map<number, WeightSet>();

/** The weights for `seed`, generated on first use and shared by every engine of the process (they are never written). */
export function sharedWeights(seed = WEIGHT_SEED): WeightSet {
  let set = generated.get(seed);
  if (!set) {
    set = createWeights(seed);
    generated.set(seed, set);
  }
  return set;
}

/** A view of one tensor (no copy). */
export function tensor(set: WeightSet, name: string): Float32Array {
  const slot = set.tensors[name];
  if (!slot) throw new Error(`no tensor '${name}' in the weight set`);
  return new Float32Array(set.buffer, slot[0] * 4, slot[1]);
}
