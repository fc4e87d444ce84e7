/**
 * The Whisper decoder's arithmetic: cross-attention keys and values from the encoder output, and
 * a pre-LN decoder stack that runs a batch of tokens (the prompt/prefix) or one token at a time,
 * keeping each layer's self-attention keys and values in a cache so a step costs one row.
 */

import { sinusoids } from './encoder-math.ts';
import { addInPlace, geluInPlace, layerNorm, matmulNT, matvecNT, softmaxInPlace } from './kernels.ts';
import type { DecoderModel } from './model.ts';
import { D_FFN, D_MODEL, N_HEADS, WINDOW_POSITIONS } from './shapes.ts';
import { TEXT_TOKENS } from './vocabulary.ts';

const HEAD = D_MODEL / N_HEADS;
const SCALE = 1 / Math.sqrt(HEAD);

/** One 30 s window's cross-attention keys and values per layer, [rows][D_MODEL]. */
export interface CrossCache {
  keys: Float32Array[];
  values: Float32Array[];
  rows: number;
}

/** Layer `layer`'s cross-attention keys and values for `input` rows [from, to), into the same rows of `keys` and `values`. */
export function crossAttentionRows(
  input: Float32Array,
  model: DecoderModel,
  layer: number,
  rows: { from: number; to: number },
  keys: Float32Array,
  values: Float32Array,
): void {
  const { cross } = model.layers[layer]!;
  const span = [rows.from * D_MODEL, rows.to * D_MODEL] as const;
  const count = rows.to - rows.from;
  const x = input.subarray(...span);
  matmulNT(x, cross.key.weight, keys.subarray(...span), count, D_MODEL, D_MODEL, cross.key.bias);
  matmulNT(x, cross.value.weight, values.subarray(...span), count, D_MODEL, D_MODEL, cross.value.bias);
}

/** Computes every layer's cross-attention keys and values for encoder window `window`. */
export function crossAttentionCache(
  encoder: Float32Array,
  positions: number,
  model: DecoderModel,
  window: number,
): CrossCache {
  const from = window * WINDOW_POSITIONS;
  const rows = Math.max(0, Math.min(WINDOW_POSITIONS, positions - from));
  const input = encoder.subarray(from * D_MODEL, (from + rows) * D_MODEL);
  const keys: Float32Array[] = [];
  const values: Float32Array[] = [];
  model.layers.forEach((_, l) => {
    const k = new Float32Array(rows * D_MODEL);
    const v = new Float32Array(rows * D_MODEL);
    crossAttentionRows(input, model, l, { from: 0, to: rows }, k, v);
    keys.push(k);
    values.push(v);
  });
  return { keys, values, rows };
}

/**
 * Attention of `rows` query rows over keys/values rows [first, first + count(r)): each head's
 * scores, softmax and weighted sum of values, into out (rows × D_MODEL).
 */
function attend(
  q: Float32Array,
  rows: number,
  keys: Float32Array,
  values: Float32Array,
  first: number,
  count: (row: number) => number,
  out: Float32Array,
): void {
  out.fill(0, 0, rows * D_MODEL);
  for (let r = 0; r < rows; r++) {
    const n = count(r);
    const scores = new Float32Array(n);
    for (let h = 0; h < N_HEADS; h++) {
      const qo = r * D_MODEL + h * HEAD;
      for (let t = 0; t < n; t++) {
        const ko = (first + t) * D_MODEL + h * HEAD;
        let s = 0;
        for (let i = 0; i < HEAD; i++) s += q[qo + i]! * keys[ko + i]!;
        scores[t] = s * SCALE;
      }
      softmaxInPlace(scores, 0, n);
      for (let t = 0; t < n; t++) {
        const p = scores[t]!;
        const vo = (first + t) * D_MODEL + h * HEAD;
        for (let i = 0; i < HEAD; i++) out[qo + i] = out[qo + i]! + p * values[vo + i]!;
      }
    }
  }
}

/** A window's self-attention keys and values per layer, [capacity][D_MODEL], and how many tokens they hold. */
export interface SelfCache {
  keys: Float32Array[];
  values: Float32Array[];
  length: number;
}

/** One window's decoder: its self-attention cache and the cross-attention span it reads. */
export class DecoderState {
  private readonly model: DecoderModel;
  private readonly cross: CrossCache;
  private readonly selfKeys: Float32Array[];
  private readonly selfValues: Float32Array[];
  private length: number;

  /**
   * `cache`: the most tokens this window will run (prefix plus generated), for an empty cache; or
   * a cache an earlier state of the same window filled, to go on from where it stopped.
   */
  constructor(model: DecoderModel, cross: CrossCache, cache: number | SelfCache) {
    this.model = model;
    this.cross = cross;
    const capacity = typeof cache === 'number' ? cache : 0;
    this.selfKeys =
      typeof cache === 'number' ? model.layers.map(() => new Float32Array(capacity * D_MODEL)) : cache.keys;
    this.selfValues =
      typeof cache === 'number' ? model.layers.map(() => new Float32Array(capacity * D_MODEL)) : cache.values;
    this.length = typeof cache === 'number' ? 0 : cache.length;
  }

  /** The self-attention cache as it stands, to hand to a later state (its arrays, not copies). */
  get cache(): SelfCache {
    return { keys: this.selfKeys, values: this.selfValues, length: this.length };
  }

  /** Runs `tokens` through the stack after those already cached; returns the last one's normalised state. */
  forward(tokens: readonly number[]): Float32Array {
    const m = tokens.length;
    const positions = sinusoids();
    const x = new Float32Array(m * D_MODEL);
    for (let r = 0; r < m; r++) {
      const e = tokens[r]! * D_MODEL;
      const p = ((this.length + r) % WINDOW_POSITIONS) * D_MODEL;
      for (let i = 0; i < D_MODEL; i++) x[r * D_MODEL + i] = this.model.embedding[e + i]! + positions[p + i]!;
    }
    const h = new Float32Array(m * D_MODEL);
    const q = new Float32Array(m * D_MODEL);
    const a = new Float32Array(m * D_MODEL);
    const o = new Float32Array(m * D_MODEL);
    const f = new Float32Array(m * D_FFN);
    const start = this.length;
    this.model.layers.forEach((layer, l) => {
      const cacheK = this.selfKeys[l]!;
      const cacheV = this.selfValues[l]!;
      layerNorm(x, h, m, D_MODEL, layer.attnNorm.gain, layer.attnNorm.shift);
      matmulNT(h, layer.attn.query.weight, q, m, D_MODEL, D_MODEL, layer.attn.query.bias);
      matmulNT(
        h,
        layer.attn.key.weight,
        cacheK.subarray(start * D_MODEL, (start + m) * D_MODEL),
        m,
        D_MODEL,
        D_MODEL,
        layer.attn.key.bias,
      );
      matmulNT(
        h,
        layer.attn.value.weight,
        cacheV.subarray(start * D_MODEL, (start + m) * D_MODEL),
        m,
        D_MODEL,
        D_MODEL,
        layer.attn.value.bias,
      );
      attend(q, m, cacheK, cacheV, 0, (r) => start + r + 1, a);
      matmulNT(a, layer.attn.out.weight, o, m, D_MODEL, D_MODEL, layer.attn.out.bias);
      addInPlace(x, o);

      layerNorm(x, h, m, D_MODEL, layer.crossNorm.gain, layer.crossNorm.shift);
      matmulNT(h, layer.cross.query.weight, q, m, D_MODEL, D_MODEL, layer.cross.query.bias);
      attend(q, m, this.cross.keys[l]!, this.cross.values[l]!, 0, () => this.cross.rows, a);
      matmulNT(a, layer.cross.out.weight, o, m, D_MODEL, D_MODEL, layer.cross.out.bias);
      addInPlace(x, o);

      layerNorm(x, h, m, D_MODEL, layer.mlpNorm.gain, layer.mlpNorm.shift);
      matmulNT(h, layer.fc1.weight, f, m, D_MODEL, D_FFN, layer.fc1.bias);
      geluInPlace(f);
      matmulNT(f, layer.fc2.weight, o, m, D_FFN, D_MODEL, layer.fc2.bias);
      addInPlace(x, o);
    });
    this.length += m;
    const last = new Float32Array(D_MODEL);
    layerNorm(x.subarray((m - 1) * D_MODEL), last, 1, D_MODEL, this.model.norm.gain, this.model.norm.shift);
    return last;
  }
}

/** Logits over the text tokens: the state times the (tied) token embedding. */
export function textLogits(state: Float32Array, model: DecoderModel, out: Float32Array): void {
  matvecNT(state, model.embedding, out, D_MODEL, TEXT_TOKENS);
}
