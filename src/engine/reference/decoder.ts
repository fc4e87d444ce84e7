/**
 * The 'decoder' worker task: per 30 s window, cross-attention keys/values from the encoder output
 * (`decoder.attention`) and the autoregressive token loop with a KV cache
 * (`decoder.token_generation`); then segments, timestamps and formatting (`decoder.post_processing`).
 * The arithmetic is real; the weights are synthetic, so the words carry no meaning.
 */
import { ATTR, SPAN } from '../../telemetry/names.ts';
import type { StageRecorder } from '../../telemetry/recorder.ts';
import type { Transcript } from '../engine.ts';
import { type CrossCache, crossAttentionCache, DecoderState, textLogits } from './decoder-math.ts';
import { type DecoderModel, decoderModel } from './model.ts';
import { Xorshift32 } from './prng.ts';
import { WINDOW_POSITIONS } from './shapes.ts';
import { type PlannedSegment, planSpeech } from './speech-plan.ts';
import { buildTranscript, type DecodedSegment } from './transcript.ts';
import {
  languageToken,
  MAX_PROMPT_TOKENS,
  promptTokens,
  SOT,
  START_OF_PREV,
  TEXT_TOKENS,
  TRANSCRIBE,
} from './vocabulary.ts';
import type { WeightSet } from './weights.ts';

export interface DecoderPayload {
  /** Encoder output, [positions][512]. */
  encoder: Float32Array;
  positions: number;
  /** The request's 16 kHz audio, for the energy check. */
  pcm: Float32Array;
  language: string | undefined;
  prompt: string | undefined;
  temperature: number;
  wordTimestamps: boolean;
  weights: WeightSet;
}

export interface DecoderResult {
  transcript: Transcript;
  tokens: number;
}

/** Where the sampling seed's fold starts for `temperature`. */
export const seedStart = (temperature: number): number => Math.imul(Math.round(temperature * 1000) + 1, 0x9e3779b1);

/** Folds `encoder` rows into the seed `h`: folding the windows in order equals folding the whole output. */
export function foldSeed(h: number, encoder: Float32Array): number {
  const bits = new Uint32Array(encoder.buffer, encoder.byteOffset, encoder.length);
  let folded = h;
  for (let i = 0; i < bits.length; i++) folded = Math.imul(folded ^ bits[i]!, 0x01000193);
  return folded;
}

/** Seed for sampling at temperature > 0: a fold of the encoder output, so equal audio samples equally. */
const samplingSeed = (encoder: Float32Array, temperature: number): number =>
  foldSeed(seedStart(temperature), encoder) >>> 0;

/** What decoding a window needs besides its audio. */
export interface DecodeSettings {
  language: string | undefined;
  temperature: number;
}

export interface Choice {
  token: number;
  logprob: number;
}

/** Picks the next text token: greedy at temperature 0, else sampled; tokens already said in this window are skipped. */
export function choose(logits: Float32Array, used: ReadonlySet<number>, temperature: number, rng: Xorshift32): Choice {
  let max = -Infinity;
  for (let i = 0; i < TEXT_TOKENS; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < TEXT_TOKENS; i++) sum += Math.exp(logits[i]! - max);
  const logZ = max + Math.log(sum);
  let token = -1;
  if (temperature > 0) {
    let total = 0;
    for (let i = 0; i < TEXT_TOKENS; i++) if (!used.has(i)) total += Math.exp((logits[i]! - max) / temperature);
    let target = rng.next() * total;
    for (let i = 0; i < TEXT_TOKENS && token < 0; i++) {
      if (used.has(i)) continue;
      target -= Math.exp((logits[i]! - max) / temperature);
      if (target <= 0) token = i;
    }
  }
  if (token < 0) {
    let best = -Infinity;
    for (let i = 0; i < TEXT_TOKENS; i++) {
      if (!used.has(i) && logits[i]! > best) {
        best = logits[i]!;
        token = i;
      }
    }
  }
  return { token, logprob: logits[token]! - logZ };
}

/** The tokens a window's decoding starts from: the text before (if any), then start, language and task. */
export const windowPrefix = (prompt: readonly number[], language: string | undefined): number[] => [
  ...(prompt.length > 0 ? [START_OF_PREV, ...prompt] : []),
  SOT,
  languageToken(language ?? 'en'),
  TRANSCRIBE,
];

/** Decodes one 30 s window: its prefix in one batch, then one token per step. */
function decodeWindow(
  model: DecoderModel,
  cross: CrossCache,
  payload: DecodeSettings,
  plans: PlannedSegment[],
  prompt: number[],
  rng: Xorshift32,
): DecodedSegment[] {
  const needed = plans.reduce((sum, plan) => sum + plan.tokens, 0);
  const prefix = windowPrefix(prompt, payload.language);
  const state = new DecoderState(model, cross, prefix.length + needed);
  const logits = new Float32Array(TEXT_TOKENS);
  const used = new Set<number>();
  let hidden = state.forward(prefix);
  let left = needed;
  return plans.map((plan) => {
    const segment: DecodedSegment = { plan, tokens: [], logprobs: [] };
    for (let i = 0; i < plan.tokens; i++) {
      textLogits(hidden, model, logits);
      const { token, logprob } = choose(logits, used, payload.temperature, rng);
      used.add(token);
      segment.tokens.push(token);
      segment.logprobs.push(logprob);
      if (--left > 0) hidden = state.forward([token]);
    }
    return segment;
  });
}

export const countTokens = (segments: readonly DecodedSegment[]): number =>
  segments.reduce((sum, segment) => sum + segment.tokens.length, 0);

/** Each window is conditioned on the text before it, as Whisper's condition_on_previous_text. */
export const nextPrompt = (prompt: number[], segments: readonly DecodedSegment[]): number[] =>
  segments.length > 0 ? segments.flatMap((segment) => segment.tokens).slice(-MAX_PROMPT_TOKENS) : prompt;

/**
 * One window's `decoder.attention` and `decoder.token_generation`: `window` is the index of its
 * rows in `encoder` (undefined when no window has speech: both stages with nothing to do).
 */
export function decodeWindowStages(
  model: DecoderModel,
  encoder: { output: Float32Array; positions: number; window: number | undefined },
  settings: DecodeSettings,
  plans: PlannedSegment[],
  state: { prompt: number[]; rng: Xorshift32 },
  rec: StageRecorder,
): DecodedSegment[] {
  const { window } = encoder;
  const cross = rec.run(SPAN.DECODER_ATTENTION, 'medium', () =>
    window === undefined ? undefined : crossAttentionCache(encoder.output, encoder.positions, model, window),
  );
  return rec.run(SPAN.DECODER_TOKEN_GENERATION, 'medium', (attributes) => {
    const found = cross ? decodeWindow(model, cross, settings, plans, state.prompt, state.rng) : [];
    attributes[ATTR.DECODER_TOKENS] = countTokens(found);
    return found;
  });
}

/** `decoder.post_processing`: the decoded segments as the transcript. */
export function postProcess(
  decoded: readonly DecodedSegment[],
  options: { language: string | undefined; temperature: number; wordTimestamps: boolean },
  rec: StageRecorder,
): Transcript {
  return rec.run(SPAN.DECODER_POST_PROCESSING, 'medium', (attributes) => {
    const built = buildTranscript(decoded, {
      language: options.language ?? 'en',
      temperature: options.temperature,
      wordTimestamps: options.wordTimestamps,
    });
    attributes[ATTR.DECODER_SEGMENTS] = built.segments.length;
    return built;
  });
}

/** Assigns a segment past the encoder output (rounding at the very end) to the last window; returns the windows with speech, in order. */
export function windowsWithSpeech(plans: PlannedSegment[], positions: number): number[] {
  const lastWindow = Math.max(0, Math.ceil(positions / WINDOW_POSITIONS) - 1);
  for (const plan of plans) plan.window = Math.min(plan.window, lastWindow);
  return [...new Set(plans.map((plan) => plan.window))].sort((a, b) => a - b);
}

/**
 * Decodes window by window (`decoder.attention` then `decoder.token_generation` for each 30 s
 * window with speech), then formats (`decoder.post_processing`). Audio without speech still passes
 * through both stages, with nothing to do, so every trace has the same shape. Long audio runs as
 * each window in `decoder.slice` tasks instead (decode-windows.ts), with the same result.
 */
export function decoderTask(payload: DecoderPayload, rec: StageRecorder): DecoderResult {
  const model = decoderModel(payload.weights);
  const plans = payload.positions > 0 ? planSpeech(payload.pcm) : [];
  const windows = windowsWithSpeech(plans, payload.positions);
  const state = {
    prompt: promptTokens(payload.prompt),
    rng: new Xorshift32(samplingSeed(payload.encoder, payload.temperature)),
  };
  const decoded: DecodedSegment[] = [];
  for (const window of windows.length > 0 ? windows : [undefined]) {
    const encoder = { output: payload.encoder, positions: payload.positions, window };
    const segments = decodeWindowStages(
      model,
      encoder,
      payload,
      plans.filter((plan) => plan.window === window),
      state,
      rec,
    );
    decoded.push(...segments);
    state.prompt = nextPrompt(state.prompt, segments);
  }
  return { transcript: postProcess(decoded, payload, rec), tokens: countTokens(decoded) };
}
