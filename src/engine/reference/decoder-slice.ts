/**
 * The 'decoder.slice' worker task: a slice of one 30 s window's decoding for long audio, so no pool
 * task of a long request holds a thread for long (docs/reliability.md, fair scheduling). A window's
 * decoder takes tens of seconds on a loaded machine; a slice runs its steps (decoder-steps.ts) until
 * it has run for `budgetMs`, or until a queued task with less work left is waiting (the task
 * context's `preempted`), and returns where it stopped, its caches moved, not copied, for the next
 * slice. The slice that ends the last window also formats the whole transcript.
 *
 * Stages keep their meaning: the time of cross-attention steps is `decoder.attention`, that of
 * prefix and token steps `decoder.token_generation` (with the tokens this slice generated).
 */
import { performance } from 'node:perf_hooks';
import { ATTR, SPAN } from '../../telemetry/names.ts';
import type { StageRecorder } from '../../telemetry/recorder.ts';
import type { TaskContext } from '../task-context.ts';
import { type Moved, moveResult } from '../transfer.ts';
import { countTokens, type DecoderResult, type DecodeSettings, postProcess } from './decoder.ts';
import { progressBuffers, WindowDecoder, type WindowProgress } from './decoder-steps.ts';
import { decoderModel } from './model.ts';
import type { DecodedSegment } from './transcript.ts';
import type { WeightSet } from './weights.ts';

/** A slice's longest run when nothing shorter waits: under half a second on this machine, loaded. */
export const SLICE_BUDGET_MS = 250;

export interface DecoderSlicePayload extends DecodeSettings {
  /** Undefined when no window of the audio has speech: both stages run once with nothing to do. */
  progress: WindowProgress | undefined;
  weights: WeightSet;
  budgetMs: number;
  /** On the last window: the segments decoded before it and the formatting; its last slice post-processes. */
  finish?: { earlier: DecodedSegment[]; wordTimestamps: boolean };
}

export interface DecoderSliceResult {
  /** Where the window stands, while it is not decoded yet. */
  progress?: WindowProgress;
  /** The window's segments, once it is decoded. */
  segments?: DecodedSegment[];
  /** The sampling generator's state after the window, once it is decoded. */
  rngState?: number;
  /** The whole transcript, from the last window's last slice. */
  transcript?: DecoderResult;
}

/** Runs steps of the window until it is decoded, the budget is spent or shorter work waits. */
function runSteps(decoder: WindowDecoder, payload: DecoderSlicePayload, context: TaskContext, rec: StageRecorder) {
  const started = performance.now();
  const over = () => performance.now() - started >= payload.budgetMs || context.preempted();
  // Each loop runs at least one step, so every slice makes progress.
  let stepped = false;
  if (!decoder.crossDone) {
    rec.run(SPAN.DECODER_ATTENTION, 'medium', () => {
      do decoder.crossStep();
      while (!decoder.crossDone && !over());
    });
    stepped = true;
  }
  // `over` may turn false again (the shorter task left the pool): the cross-attention must be done.
  if (decoder.crossDone && !decoder.tokensDone && !(stepped && over()))
    rec.run(SPAN.DECODER_TOKEN_GENERATION, 'medium', (attributes) => {
      let tokens = 0;
      do tokens += decoder.tokenStep();
      while (!decoder.tokensDone && !over());
      attributes[ATTR.DECODER_TOKENS] = tokens;
    });
}

/** Nothing to decode in the whole audio: both stages once, empty, so every trace has the same shape. */
function noSpeech(rec: StageRecorder): void {
  rec.run(SPAN.DECODER_ATTENTION, 'medium', () => undefined);
  rec.run(SPAN.DECODER_TOKEN_GENERATION, 'medium', (attributes) => {
    attributes[ATTR.DECODER_TOKENS] = 0;
  });
}

export function decoderSliceTask(
  payload: DecoderSlicePayload,
  rec: StageRecorder,
  context: TaskContext,
): Moved<DecoderSliceResult> {
  let segments: DecodedSegment[] = [];
  let rngState = 0;
  if (payload.progress) {
    const decoder = new WindowDecoder(decoderModel(payload.weights), payload.progress, payload.temperature);
    runSteps(decoder, payload, context, rec);
    if (!decoder.tokensDone) return moveResult({ progress: decoder.progress }, ...progressBuffers(decoder.progress));
    ({ segments, rngState } = decoder.progress);
  } else noSpeech(rec);
  // A decoded window's caches have no further use: only its segments go back.
  const result: DecoderSliceResult = { segments, rngState };
  if (payload.finish) {
    const decoded = [...payload.finish.earlier, ...segments];
    const options = { ...payload, wordTimestamps: payload.finish.wordTimestamps };
    result.transcript = { transcript: postProcess(decoded, options, rec), tokens: countTokens(decoded) };
  }
  return moveResult(result);
}
