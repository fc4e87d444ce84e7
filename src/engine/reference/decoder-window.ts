/**
 * The 'decoder.window' worker task: the decoder over one 30 s window of long audio, so no pool
 * task of a long request runs for more than one window (see docs/reliability.md, fair scheduling).
 * What decoderTask carries from window to window -- the prompt (the text before) and the sampling
 * generator's state -- goes out with each task and comes back with its result; the last window's
 * task also formats the whole transcript. The segments equal decoderTask's for the same audio.
 */
import type { StageRecorder } from '../../telemetry/recorder.ts';
import {
  countTokens,
  type DecoderResult,
  type DecodeSettings,
  decodeWindowStages,
  nextPrompt,
  postProcess,
} from './decoder.ts';
import { decoderModel } from './model.ts';
import { Xorshift32 } from './prng.ts';
import type { PlannedSegment } from './speech-plan.ts';
import type { DecodedSegment } from './transcript.ts';
import type { WeightSet } from './weights.ts';

export interface DecoderWindowPayload extends DecodeSettings {
  /** This window's encoder rows, [rows][512]; empty when no window has speech. */
  encoder: Float32Array;
  rows: number;
  /** False when no window of the audio has speech: the stages run with nothing to do. */
  speech: boolean;
  /** This window's planned segments (their `window` is the index in the whole audio). */
  plans: PlannedSegment[];
  prompt: number[];
  /** The sampling generator's state after the windows before. */
  rngState: number;
  weights: WeightSet;
  /** On the last window: the segments decoded before it and the formatting; the task then post-processes. */
  finish?: { earlier: DecodedSegment[]; wordTimestamps: boolean };
}

export interface DecoderWindowResult {
  segments: DecodedSegment[];
  prompt: number[];
  rngState: number;
  /** The whole transcript, from the last window's task. */
  done?: DecoderResult;
}

export function decoderWindowTask(payload: DecoderWindowPayload, rec: StageRecorder): DecoderWindowResult {
  const model = decoderModel(payload.weights);
  const state = { prompt: payload.prompt, rng: new Xorshift32(payload.rngState) };
  const encoder = { output: payload.encoder, positions: payload.rows, window: payload.speech ? 0 : undefined };
  const segments = decodeWindowStages(model, encoder, payload, payload.plans, state, rec);
  const result: DecoderWindowResult = {
    segments,
    prompt: nextPrompt(payload.prompt, segments),
    rngState: state.rng.state32,
  };
  if (payload.finish) {
    const decoded = [...payload.finish.earlier, ...segments];
    const options = { ...payload, wordTimestamps: payload.finish.wordTimestamps };
    result.done = { transcript: postProcess(decoded, options, rec), tokens: countTokens(decoded) };
  }
  return result;
}
