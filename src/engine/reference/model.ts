/**
 * Typed views of the weight set: the encoder's and decoder's layers as the math code uses them.
 * Built per task from the shared buffer (views only, nothing is copied).
 */
import { D_FFN, D_MODEL, DECODER_LAYERS, ENCODER_LAYERS, N_MELS } from './shapes.ts';
import { tensor, type WeightSet } from './weights.ts';

/** A linear layer in PyTorch layout: weight [outputs][inputs], optional bias [outputs]. */
export interface Linear {
  weight: Float32Array;
  bias: Float32Array | undefined;
  inputs: number;
  outputs: number;
}

export interface Norm {
  gain: Float32Array;
  shift: Float32Array;
}

export interface Attention {
  query: Linear;
  key: Linear;
  value: Linear;
  out: Linear;
}

export interface EncoderLayer {
  attnNorm: Norm;
  attn: Attention;
  mlpNorm: Norm;
  fc1: Linear;
  fc2: Linear;
}

export interface EncoderModel {
  conv1: Linear;
  conv2: Linear;
  layers: EncoderLayer[];
  postNorm: Norm;
}

export interface DecoderLayer {
  attnNorm: Norm;
  attn: Attention;
  crossNorm: Norm;
  cross: Attention;
  mlpNorm: Norm;
  fc1: Linear;
  fc2: Linear;
}

export interface DecoderModel {
  /** [VOCAB_SIZE][D_MODEL]; also the output projection (tied, as in Whisper). */
  embedding: Float32Array;
  layers: DecoderLayer[];
  norm: Norm;
}

function linear(set: WeightSet, name: string, inputs: number, outputs: number, bias = true): Linear {
  return {
    weight: tensor(set, `${name}.weight`),
    bias: bias ? tensor(set, `${name}.bias`) : undefined,
    inputs,
    outputs,
  };
}

function norm(set: WeightSet, name: string): Norm {
  return { gain: tensor(set, `${name}.gain`), shift: tensor(set, `${name}.shift`) };
}

function attention(set: WeightSet, name: string): Attention {
  return {
    query: linear(set, `${name}.query`, D_MODEL, D_MODEL),
    key: linear(set, `${name}.key`, D_MODEL, D_MODEL, false),
    value: linear(set, `${name}.value`, D_MODEL, D_MODEL),
    out: linear(set, `${name}.out`, D_MODEL, D_MODEL),
  };
}

export function encoderModel(set: WeightSet): EncoderModel {
  const layers: EncoderLayer[] = [];
  for (let l = 0; l < ENCODER_LAYERS; l++) {
    const p = `encoder.${l}`;
    layers.push({
      attnNorm: norm(set, `${p}.attn_ln`),
      attn: attention(set, `${p}.attn`),
      mlpNorm: norm(set, `${p}.mlp_ln`),
      fc1: linear(set, `${p}.mlp.fc1`, D_MODEL, D_FFN),
      fc2: linear(set, `${p}.mlp.fc2`, D_FFN, D_MODEL),
    });
  }
  return {
    conv1: linear(set, 'encoder.conv1', N_MELS * 3, D_MODEL),
    conv2: linear(set, 'encoder.conv2', D_MODEL * 3, D_MODEL),
    layers,
    postNorm: norm(set, 'encoder.ln_post'),
  };
}

export function decoderModel(set: WeightSet): DecoderModel {
  const layers: DecoderLayer[] = [];
  for (let l = 0; l < DECODER_LAYERS; l++) {
    const p = `decoder.${l}`;
    layers.push({
      attnNorm: norm(set, `${p}.attn_ln`),
      attn: attention(set, `${p}.attn`),
      crossNorm: norm(set, `${p}.cross_ln`),
      cross: attention(set, `${p}.cross`),
      mlpNorm: norm(set, `${p}.mlp_ln`),
      fc1: linear(set, `${p}.mlp.fc1`, D_MODEL, D_FFN),
      fc2: linear(set, `${p}.mlp.fc2`, D_FFN, D_MODEL),
    });
  }
  return { embedding: tensor(set, 'decoder.token_embedding'), layers, norm: norm(set, 'decoder.ln') };
}
