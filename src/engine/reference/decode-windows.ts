/**
 * The decoder of long audio, window after window, each window in `decoder.slice` tasks
 * (decoder-slice.ts): what one slice leaves, the window's caches included, moves to the worker
 * that runs the next (transferred, not copied). What passes from window to window is the prompt
 * (the text before) and the sampling generator's state; the last window's last slice formats the
 * transcript. The result equals decoderTask's for the same audio.
 */
import type { WorkerPool } from '../pool.ts';
import { transferList } from '../transfer.ts';
import type { DecoderResult } from './decoder.ts';
import { nextPrompt, windowsWithSpeech } from './decoder.ts';
import type { DecoderSlicePayload, DecoderSliceResult } from './decoder-slice.ts';
import { SLICE_BUDGET_MS } from './decoder-slice.ts';
import { crossStepsFor, PREFIX_TOKENS, progressBuffers, startWindow, stepsLeft } from './decoder-steps.ts';
import { WINDOW_POSITIONS } from './shapes.ts';
import { type PlannedSegment, planFromVoiced } from './speech-plan.ts';
import type { DecodedSegment } from './transcript.ts';
import { MAX_PROMPT_TOKENS, promptTokens } from './vocabulary.ts';
import type { WeightSet } from './weights.ts';

const SAMPLE_RATE_HZ = 16000;
const RELEASED = new Float32Array(0);

export interface WindowedDecode {
  /** The encoder output window by window; a window's rows are let go once its cross-attention is done. */
  encoder: { windows: Float32Array[]; positions: number; seed: number };
  voiced: Uint8Array;
  samples: number;
  language: string | undefined;
  prompt: string | undefined;
  temperature: number;
  wordTimestamps: boolean;
  weights: WeightSet;
  /** A slice's longest run (default SLICE_BUDGET_MS); tests cut windows finer with less. */
  budgetMs?: number;
}

/** Steps of a window not started yet, at most: its cross-attention, the longest prefix, its tokens. */
const stepsOfWindow = (plans: readonly PlannedSegment[]): number =>
  crossStepsFor(WINDOW_POSITIONS) +
  Math.ceil((MAX_PROMPT_TOKENS + 4) / PREFIX_TOKENS) +
  plans.reduce((sum, plan) => sum + plan.tokens, 0);

/** One window (or, with no progress, the empty decoding of audio without speech) in slices until decoded. */
async function decodeInSlices(
  pool: WorkerPool,
  payload: DecoderSlicePayload,
  stepsAfter: number,
  signal: AbortSignal,
): Promise<DecoderSliceResult> {
  let progress = payload.progress;
  for (;;) {
    const remaining = (progress ? stepsLeft(progress) : 1) + stepsAfter;
    const result = await pool.run<DecoderSliceResult>(
      'decoder.slice',
      { ...payload, progress },
      { signal, order: { remaining }, transfer: progress ? transferList(...progressBuffers(progress)) : [] },
    );
    if (!result.progress) return result;
    progress = result.progress;
  }
}

/** The decoder over every window with speech (one empty slice when none has), in order. */
export async function decodeByWindow(
  pool: WorkerPool,
  input: WindowedDecode,
  signal: AbortSignal,
): Promise<DecoderResult> {
  const { encoder } = input;
  const plans = encoder.positions > 0 ? planFromVoiced(input.voiced, input.samples / SAMPLE_RATE_HZ) : [];
  const windows = windowsWithSpeech(plans, encoder.positions);
  const steps = windows.length > 0 ? windows : [undefined];
  const plansOf = (window: number | undefined) => plans.filter((plan) => plan.window === window);
  const earlier: DecodedSegment[] = [];
  let prompt = promptTokens(input.prompt);
  let rngState = encoder.seed;
  for (let i = 0; i < steps.length; i++) {
    const window = steps[i];
    const rows = window === undefined ? RELEASED : encoder.windows[window]!;
    // The slices move the rows to the workers; the list lets go of them here.
    if (window !== undefined) encoder.windows[window] = RELEASED;
    const payload: DecoderSlicePayload = {
      progress: window === undefined ? undefined : startWindow(rows, plansOf(window), prompt, input.language, rngState),
      language: input.language,
      temperature: input.temperature,
      weights: input.weights,
      budgetMs: input.budgetMs ?? SLICE_BUDGET_MS,
      ...(i === steps.length - 1 ? { finish: { earlier, wordTimestamps: input.wordTimestamps } } : {}),
    };
    const stepsAfter = steps.slice(i + 1).reduce<number>((sum, later) => sum + stepsOfWindow(plansOf(later)), 0);
    const result = await decodeInSlices(pool, payload, stepsAfter, signal);
    if (result.transcript) return result.transcript;
    const segments = result.segments ?? [];
    earlier.push(...segments);
    prompt = nextPrompt(prompt, segments);
    rngState = result.rngState ?? rngState;
  }
  throw new Error('the last decoder window returned no transcript');
}
