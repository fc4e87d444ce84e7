/**
 * The Whisper encoder's arithmetic: the two-convolution front end with sinusoidal positions and
 * the pre-LayerNorm transformer layer. Written once and driven two ways: inside the fused kernel
 * (projections inline) and by the matmul offload (each projection a device launch, everything
 * else host work between launches).
 */
import { addInPlace, geluInPlace, im2col3, layerNorm, matmulNT, windowedSelfAttention } from './kernels.ts';
import type { EncoderLayer, EncoderModel, Linear } from './model.ts';
import { D_FFN, D_MODEL, encoderPositions, N_HEADS, N_MELS, WINDOW_POSITIONS } from './shapes.ts';

/** Applies `linear` to `rows` rows of `input` into `out` (bias included); `layer` is for tracing. */
export type Project = (input: Float32Array, rows: number, linear: Linear, out: Float32Array, layer: number) => void;

/** Runs host-side work; the npu-sim device adds its real time to the pass's timeline. */
export type Host = <T>(fn: () => T) => T;

/** Projection computed in place on the calling thread. */
export const projectInline: Project = (input, rows, linear, out) =>
  matmulNT(input, linear.weight, out, rows, linear.inputs, linear.outputs, linear.bias);

let positionTable: Float32Array | undefined;

/** Whisper's sinusoidal position embedding, WINDOW_POSITIONS × D_MODEL, computed once per thread. */
export function sinusoids(): Float32Array {
  if (positionTable) return positionTable;
  const half = D_MODEL / 2;
  const increment = Math.log(10000) / (half - 1);
  const table = new Float32Array(WINDOW_POSITIONS * D_MODEL);
  for (let t = 0; t < WINDOW_POSITIONS; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.exp(-increment * i);
      table[t * D_MODEL + i] = Math.sin(angle);
      table[t * D_MODEL + half + i] = Math.cos(angle);
    }
  }
  positionTable = table;
  return table;
}

/** Adds the position embedding; positions restart in every 30 s window, as each Whisper window does. */
function addPositions(x: Float32Array, rows: number): void {
  const table = sinusoids();
  for (let t = 0; t < rows; t++) {
    const p = (t % WINDOW_POSITIONS) * D_MODEL;
    for (let i = 0; i < D_MODEL; i++) x[t * D_MODEL + i] = x[t * D_MODEL + i]! + table[p + i]!;
  }
}

/**
 * conv1 (80→512, kernel 3) + GELU, conv2 (512→512, kernel 3, stride 2) + GELU, plus positions.
 * `mel` is bin-major [N_MELS][frames]; the result is position-major [positions][D_MODEL].
 */
export function convFront(mel: Float32Array, frames: number, model: EncoderModel): Float32Array {
  const first = im2col3(mel, N_MELS, frames, frames, 1, 1);
  const hidden = new Float32Array(first.rows * D_MODEL);
  projectInline(first.col, first.rows, model.conv1, hidden, -1);
  geluInPlace(hidden);
  const second = im2col3(hidden, D_MODEL, frames, 1, D_MODEL, 2);
  const x = new Float32Array(second.rows * D_MODEL);
  projectInline(second.col, second.rows, model.conv2, x, -1);
  geluInPlace(x);
  addPositions(x, second.rows);
  return x;
}

/** Scratch buffers for one layer over `rows` positions, reused across layers. */
export interface LayerScratch {
  h: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  a: Float32Array;
  o: Float32Array;
  f: Float32Array;
}

export function layerScratch(rows: number): LayerScratch {
  const d = rows * D_MODEL;
  return {
    h: new Float32Array(d),
    q: new Float32Array(d),
    k: new Float32Array(d),
    v: new Float32Array(d),
    a: new Float32Array(d),
    o: new Float32Array(d),
    f: new Float32Array(rows * D_FFN),
  };
}

/** One pre-LN transformer layer over x (rows × D_MODEL), in place. */
export function encoderLayer(
  x: Float32Array,
  rows: number,
  layer: number,
  weights: EncoderLayer,
  s: LayerScratch,
  project: Project,
  host: Host,
): void {
  host(() => layerNorm(x, s.h, rows, D_MODEL, weights.attnNorm.gain, weights.attnNorm.shift));
  project(s.h, rows, weights.attn.query, s.q, layer);
  project(s.h, rows, weights.attn.key, s.k, layer);
  project(s.h, rows, weights.attn.value, s.v, layer);
  host(() => windowedSelfAttention(s.q, s.k, s.v, s.a, rows, D_MODEL, N_HEADS, WINDOW_POSITIONS));
  project(s.a, rows, weights.attn.out, s.o, layer);
  host(() => {
    addInPlace(x, s.o);
    layerNorm(x, s.h, rows, D_MODEL, weights.mlpNorm.gain, weights.mlpNorm.shift);
  });
  project(s.h, rows, weights.fc1, s.f, layer);
  host(() => geluInPlace(s.f));
  project(s.f, rows, weights.fc2, s.o, layer);
  host(() => addInPlace(x, s.o));
}

/** Arithmetic of one pass over `frames` mel frames, split as the fused kernel's phases run. */
export function encoderFlops(frames: number): { front: number; layer: number } {
  const rows = encoderPositions(frames);
  const front = 2 * frames * N_MELS * 3 * D_MODEL + 2 * rows * D_MODEL * 3 * D_MODEL;
  let attention = 0;
  for (let w0 = 0; w0 < rows; w0 += WINDOW_POSITIONS) {
    const len = Math.min(WINDOW_POSITIONS, rows - w0);
    attention += 4 * len * len * D_MODEL;
  }
  const projections = 2 * rows * (4 * D_MODEL * D_MODEL + 2 * D_MODEL * D_FFN);
  return { front, layer: projections + attention };
}
