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

/** Seed for sampling at temperature > 0: a fold of the encoder output, so equal audio samples equally. */
function samplingSeed(encoder: Float32Array, temperature: number): number {
  const bits = new Uint32Array(encoder.buffer, encoder.byteOffset, encoder.length);
  let h = Math.imul(Math.round(temperature * 1000) + 1, 0x9e3779b1);
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 0x01000193);
  return h >>> 0;
}

interface Choice {
  token: number;
  logprob: number;
}

/** Picks the next text token: greedy at temperature 0, else sampled; tokens already said in this window are skipped. */
function choose(logits: Float32Array, used: ReadonlySet<number>, temperature: number, rng: Xorshift32): Choice {
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

/** Decodes one 30 s window: its prefix in one batch, then one token per step. */
function decodeWindow(
  model: DecoderModel,
  cross: CrossCache,
  payload: DecoderPayload,
  plans: PlannedSegment[],
  prompt: number[],
  rng: Xorshift32,
): DecodedSegment[] {
  const needed = plans.reduce((sum, plan) => sum + plan.tokens, 0);
  const prefix = [
    ...(prompt.length > 0 ? [START_OF_PREV, ...prompt] : []),
    SOT,
    languageToken(payload.language ?? 'en'),
    TRANSCRIBE,
  ];
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

const countTokens = (segments: readonly DecodedSegment[]): number =>
  segments.reduce((sum, segment) => sum + segment.tokens.length, 0);

/**
 * Decodes window by window (`decoder.attention` then `decoder.token_generation` for each 30 s
 * window with speech), then formats (`decoder.post_processing`). Audio without speech still passes
 * through both stages, with nothing to do, so every trace has the same shape.
 */
export function decoderTask(payload: DecoderPayload, rec: StageRecorder): DecoderResult {
  const model = decoderModel(payload.weights);
  const plans = payload.positions > 0 ? planSpeech(payload.pcm) : [];
  // A segment past the encoder output (rounding at the very end) is decoded with the last window.
  const lastWindow = Math.max(0, Math.ceil(payload.positions / WINDOW_POSITIONS) - 1);
  for (const plan of plans) plan.window = Math.min(plan.window, lastWindow);
  const windows = [...new Set(plans.map((plan) => plan.window))].sort((a, b) => a - b);
  const rng = new Xorshift32(samplingSeed(payload.encoder, payload.temperature));
  const decoded: DecodedSegment[] = [];
  let prompt = promptTokens(payload.prompt);
  for (const window of windows.length > 0 ? windows : [undefined]) {
    const cross = rec.run(SPAN.DECODER_ATTENTION, 'medium', () =>
      window === undefined ? undefined : crossAttentionCache(payload.encoder, payload.positions, model, window),
    );
    const segments = rec.run(SPAN.DECODER_TOKEN_GENERATION, 'medium', (attributes) => {
      const found = cross
        ? decodeWindow(
            model,
            cross,
            payload,
            plans.filter((plan) => plan.window === window),
            prompt,
            rng,
          )
        : [];
      attributes[ATTR.DECODER_TOKENS] = countTokens(found);
      return found;
    });
    decoded.push(...segments);
    // Each window is conditioned on the text before it, as Whisper's condition_on_previous_text.
    if (segments.length > 0) prompt = segments.flatMap((segment) => segment.tokens).slice(-MAX_PROMPT_TOKENS);
  }
  const transcript = rec.run(SPAN.DECODER_POST_PROCESSING, 'medium', (attributes) => {
    const built = buildTranscript(decoded, {
      language: payload.language ?? 'en',
      temperature: payload.temperature,
      wordTimestamps: payload.wordTimestamps,
    });
    attributes[ATTR.DECODER_SEGMENTS] = built.segments.length;
    return built;
  });
  return { transcript, tokens: countTokens(decoded) };
}
