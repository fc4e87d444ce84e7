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
import { countTokens, nextPrompt, windowsWithSpeech } from './decoder.ts';
import type { DecoderSlicePayload, DecoderSliceResult } from './decoder-slice.ts';
import { SLICE_BUDGET_MS } from './decoder-slice.ts';
import { crossStepsFor, PREFIX_TOKENS, progressBuffers, startWindow, stepsLeft } from './decoder-steps.ts';
import { WINDOW_POSITIONS } from './shapes.ts';
import { type PlannedSegment, planFromVoiced } from './speech-plan.ts';
import type { DecodedSegment } from './transcript.ts';
import { MAX_PROMPT_TOKENS, promptTokens } from './vocabulary.ts';
import type { WeightSet } from './weights.ts';

const SAMPLE_RATE_HZ = 16000;

/** What decoding a long request needs besides its encoder rows. */
export interface WindowedDecode {
  language: string | undefined;
  prompt: string | undefined;
  temperature: number;
  wordTimestamps: boolean;
  weights: WeightSet;
  /** A slice's longest run (default SLICE_BUDGET_MS); tests cut windows finer with less. */
  budgetMs?: number;
}

/** The audio's planned segments and the windows that have any, in order. */
export interface SpeechWindows {
  plans: PlannedSegment[];
  windows: number[];
}

/** Plans the segments of audio of `samples` (at 16 kHz) from its voiced frames, over `positions` encoder positions. */
export function speechWindows(voiced: Uint8Array, samples: number, positions: number): SpeechWindows {
  const plans = positions > 0 ? planFromVoiced(voiced, samples / SAMPLE_RATE_HZ) : [];
  return { plans, windows: windowsWithSpeech(plans, positions) };
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

/** What decoding one window gave: its tokens and segments, and after the last window the transcript. */
export interface WindowDecoded {
  tokens: number;
  segments: number;
  transcript?: DecoderResult;
}

/**
 * The decoder over the windows with speech, one at a time and in order, as their rows become
 * available (audio without speech: one empty decoding). Carries the prompt and the sampling
 * generator's state from window to window.
 */
export class SpeechDecoder {
  private readonly pool: WorkerPool;
  private readonly input: WindowedDecode;
  private readonly speech: SpeechWindows;
  private readonly signal: AbortSignal;
  private readonly earlier: DecodedSegment[] = [];
  private prompt: number[];
  private rngState = 0;
  private index = 0;

  constructor(pool: WorkerPool, input: WindowedDecode, speech: SpeechWindows, signal: AbortSignal) {
    this.pool = pool;
    this.input = input;
    this.speech = speech;
    this.signal = signal;
    this.prompt = promptTokens(input.prompt);
  }

  /** The sampling seed: set before the first window when sampling (it folds the whole encoder output). */
  set seed(seed: number) {
    this.rngState = seed;
  }

  /** The windows still to decode (with no speech at all: one `undefined`, the empty decoding). */
  get pending(): (number | undefined)[] {
    const { windows } = this.speech;
    return (windows.length > 0 ? windows : [undefined]).slice(this.index);
  }

  /** Decodes the next pending window from its `rows` (empty for the empty decoding). */
  async next(rows: Float32Array): Promise<WindowDecoded> {
    const [window, ...later] = this.pending;
    this.index++;
    const plans = this.plansOf(window);
    const { input } = this;
    const payload: DecoderSlicePayload = {
      progress: window === undefined ? undefined : startWindow(rows, plans, this.prompt, input.language, this.rngState),
      language: input.language,
      temperature: input.temperature,
      weights: input.weights,
      budgetMs: input.budgetMs ?? SLICE_BUDGET_MS,
      ...(later.length === 0 ? { finish: { earlier: this.earlier, wordTimestamps: input.wordTimestamps } } : {}),
    };
    const stepsAfter = later.reduce<number>((sum, w) => sum + stepsOfWindow(this.plansOf(w)), 0);
    const result = await decodeInSlices(this.pool, payload, stepsAfter, this.signal);
    const segments = result.segments ?? [];
    this.earlier.push(...segments);
    this.prompt = nextPrompt(this.prompt, segments);
    this.rngState = result.rngState ?? this.rngState;
    return {
      tokens: countTokens(segments),
      segments: segments.filter((segment) => segment.tokens.length > 0).length,
      ...(result.transcript ? { transcript: result.transcript } : {}),
    };
  }

  private plansOf(window: number | undefined): PlannedSegment[] {
    return this.speech.plans.filter((plan) => plan.window === window);
  }
}
