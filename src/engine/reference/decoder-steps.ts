/**
 * One window's decoding cut into small steps that can stop after any of them and go on in another
 * task, even on another thread: a step is one layer's cross-attention keys and values for
 * CROSS_ROWS encoder rows, PREFIX_TOKENS tokens of the prefix, or one generated token. Everything a
 * step leaves behind is in `WindowProgress` (plain arrays and typed arrays, which move between
 * threads without a copy), so decoding a window in any number of slices gives decodeWindow's
 * segments bit for bit: every kernel computes each row on its own, in the same order.
 */

import { choose, windowPrefix } from './decoder.ts';
import { crossAttentionRows, DecoderState, type SelfCache, textLogits } from './decoder-math.ts';
import type { DecoderModel } from './model.ts';
import { Xorshift32 } from './prng.ts';
import { D_MODEL, DECODER_LAYERS } from './shapes.ts';
import type { PlannedSegment } from './speech-plan.ts';
import type { DecodedSegment } from './transcript.ts';
import { TEXT_TOKENS } from './vocabulary.ts';

/** Encoder rows per cross-attention step (of one layer): 2 x 50 x 512 x 512 multiply-adds, about a token step. */
export const CROSS_ROWS = 50;
/** Prefix tokens per step: each costs about a generated token. */
export const PREFIX_TOKENS = 2;

const RELEASED = new Float32Array(0);

/** Where one window's decoding stands between steps. */
export interface WindowProgress {
  /** The window's encoder rows [rows][D_MODEL] until its cross-attention is done, then empty. */
  encoder: Float32Array;
  rows: number;
  /** Cross-attention keys and values per layer, filled step by step (empty before the first). */
  crossKeys: Float32Array[];
  crossValues: Float32Array[];
  /** Cross-attention steps done, layer by layer. */
  crossSteps: number;
  prefix: number[];
  /** The self-attention cache, from the first token step on. */
  self: SelfCache | undefined;
  /** The stack's output for the last token run. */
  hidden: Float32Array;
  /** One per planned segment, with the tokens generated so far. */
  segments: DecodedSegment[];
  used: number[];
  produced: number;
  rngState: number;
}

/** Cross-attention steps of a window of `rows` encoder rows. */
export const crossStepsFor = (rows: number): number => DECODER_LAYERS * Math.ceil(rows / CROSS_ROWS);

const neededOf = (segments: readonly DecodedSegment[]): number =>
  segments.reduce((sum, segment) => sum + segment.plan.tokens, 0);

/** A window's progress before its first step; `encoder` is its rows, `prompt` the text before it. */
export function startWindow(
  encoder: Float32Array,
  plans: PlannedSegment[],
  prompt: readonly number[],
  language: string | undefined,
  rngState: number,
): WindowProgress {
  return {
    encoder,
    rows: encoder.length / D_MODEL,
    crossKeys: [],
    crossValues: [],
    crossSteps: 0,
    prefix: windowPrefix(prompt, language),
    self: undefined,
    hidden: RELEASED,
    segments: plans.map((plan) => ({ plan, tokens: [], logprobs: [] })),
    used: [],
    produced: 0,
    rngState,
  };
}

/** Steps left in a window: an upper bound on the tasks it still needs. */
export function stepsLeft(progress: WindowProgress): number {
  const fed = Math.min(progress.self?.length ?? 0, progress.prefix.length);
  return (
    crossStepsFor(progress.rows) -
    progress.crossSteps +
    Math.ceil((progress.prefix.length - fed) / PREFIX_TOKENS) +
    neededOf(progress.segments) -
    progress.produced
  );
}

/** A window's decoding in a worker: runs steps on `progress`, which it updates in place. */
export class WindowDecoder {
  readonly progress: WindowProgress;
  private readonly model: DecoderModel;
  private readonly temperature: number;
  private readonly needed: number;
  private readonly used: Set<number>;
  private readonly rng: Xorshift32;
  private state: DecoderState | undefined;

  constructor(model: DecoderModel, progress: WindowProgress, temperature: number) {
    this.model = model;
    this.progress = progress;
    this.temperature = temperature;
    this.needed = neededOf(progress.segments);
    this.used = new Set(progress.used);
    this.rng = new Xorshift32(progress.rngState);
  }

  get crossDone(): boolean {
    return this.progress.crossSteps >= crossStepsFor(this.progress.rows);
  }

  get tokensDone(): boolean {
    const { self, prefix, produced } = this.progress;
    return (self?.length ?? 0) >= prefix.length && produced >= this.needed;
  }

  /** One layer's keys and values for the next CROSS_ROWS rows; the encoder rows go once the last is done. */
  crossStep(): void {
    const p = this.progress;
    const chunks = Math.ceil(p.rows / CROSS_ROWS);
    const layer = Math.floor(p.crossSteps / chunks);
    const from = (p.crossSteps % chunks) * CROSS_ROWS;
    if (from === 0) {
      p.crossKeys.push(new Float32Array(p.rows * D_MODEL));
      p.crossValues.push(new Float32Array(p.rows * D_MODEL));
    }
    const rows = { from, to: Math.min(p.rows, from + CROSS_ROWS) };
    crossAttentionRows(p.encoder, this.model, layer, rows, p.crossKeys[layer]!, p.crossValues[layer]!);
    if (++p.crossSteps === crossStepsFor(p.rows)) p.encoder = RELEASED;
  }

  /** The next prefix tokens, or the next generated token; returns the tokens generated (0 or 1). */
  tokenStep(): number {
    const p = this.progress;
    if (!this.state) {
      const cross = { keys: p.crossKeys, values: p.crossValues, rows: p.rows };
      this.state = new DecoderState(this.model, cross, p.self ?? p.prefix.length + this.needed);
    }
    const fed = this.state.cache.length;
    if (fed < p.prefix.length) {
      p.hidden = this.state.forward(p.prefix.slice(fed, fed + PREFIX_TOKENS));
      p.self = this.state.cache;
      return 0;
    }
    const logits = new Float32Array(TEXT_TOKENS);
    textLogits(p.hidden, this.model, logits);
    const { token, logprob } = choose(logits, this.used, this.temperature, this.rng);
    this.used.add(token);
    p.used.push(token);
    const segment = this.segmentAt(p.produced);
    segment.tokens.push(token);
    segment.logprobs.push(logprob);
    p.rngState = this.rng.state32;
    if (++p.produced < this.needed) p.hidden = this.state.forward([token]);
    p.self = this.state.cache;
    return 1;
  }

  /** The segment the `index`th generated token of the window belongs to. */
  private segmentAt(index: number): DecodedSegment {
    let before = 0;
    for (const segment of this.progress.segments) {
      before += segment.plan.tokens;
      if (index < before) return segment;
    }
    throw new Error(`token ${index} is past the window's ${this.needed}`);
  }
}

/** The buffers `progress` holds, to move with it. */
export function progressBuffers(p: WindowProgress): Float32Array[] {
  return [p.encoder, p.hidden, ...p.crossKeys, ...p.crossValues, ...(p.self ? [...p.self.keys, ...p.self.values] : [])];
}
