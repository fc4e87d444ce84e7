/**
 * Long audio on the pool one 30 s window at a time: `mel.window`, one encoder pass and
 * `decoder.window` per window, each its own pool task, so a long request holds a worker thread for
 * one window's work and a short request submitted meanwhile waits for at most that much per thread
 * (docs/reliability.md, fair scheduling). Each task tells the pool how many tasks its request
 * still has (`order.remaining`), so queued short work starts first. The result equals the
 * one-task path's: windows are independent in the encoder, mel is normalized with the maximum of
 * every window, and the decoder's prompt and sampling state pass from window to window.
 */
import type { Accelerator } from '../../accelerator/accelerator.ts';
import { HOP_LENGTH, normalizeLogMel, samplesForFrames } from '../../audio/mel.ts';
import { SPAN } from '../../telemetry/names.ts';
import { leafStage } from '../../telemetry/stage.ts';
import type { WorkerPool } from '../pool.ts';
import { transferList } from '../transfer.ts';
import type { DecoderResult } from './decoder.ts';
import { foldSeed, seedStart, windowsWithSpeech } from './decoder.ts';
import type { DecoderWindowPayload, DecoderWindowResult } from './decoder-window.ts';
import type { EncoderResult } from './encoder.ts';
import type { MelWindowPayload, MelWindowResult } from './mel-window.ts';
import { D_MODEL, WINDOW_FRAMES } from './shapes.ts';
import { planFromVoiced } from './speech-plan.ts';
import type { DecodedSegment } from './transcript.ts';
import { promptTokens } from './vocabulary.ts';
import type { WeightSet } from './weights.ts';

const SAMPLE_RATE_HZ = 16000;
const WINDOW_SAMPLES = WINDOW_FRAMES * HOP_LENGTH;
const RELEASED = new Float32Array(0);

/** 30 s windows of `samples` of 16 kHz audio (mel frames of 160 samples, 3000 a window). */
export const windowCount = (samples: number): number => Math.ceil(Math.floor(samples / HOP_LENGTH) / WINDOW_FRAMES);

/** Pool tasks a request of `windows` windows runs from its mel on: a mel task, an encoder pass and a decoder task each. */
export const tasksFor = (windows: number): number => 3 * Math.max(1, windows);

/** A long request's log-mel, its windows as the encoder takes them (bin-major each), and its speech plan's voiced frames. */
export interface WindowedMel {
  windows: Float32Array[];
  frames: number;
  bins: number;
  voiced: Uint8Array;
}

export async function melByWindow(pool: WorkerPool, pcm: Float32Array, signal: AbortSignal): Promise<WindowedMel> {
  const frames = Math.floor(pcm.length / HOP_LENGTH);
  const count = windowCount(pcm.length);
  const windows: Float32Array[] = [];
  const voiced: Uint8Array[] = [];
  let max = Number.NEGATIVE_INFINITY;
  let bins = 0;
  for (let w = 0; w < count; w++) {
    const from = w * WINDOW_FRAMES;
    const frameCount = Math.min(WINDOW_FRAMES, frames - from);
    const { start, end } = samplesForFrames(from, frameCount, pcm.length);
    const voicedRange = { start: w * WINDOW_SAMPLES, end: w === count - 1 ? pcm.length : (w + 1) * WINDOW_SAMPLES };
    const payload: MelWindowPayload = {
      // A copy, moved to the worker: a view would carry its whole buffer (the entire upload) with it.
      pcm: pcm.slice(Math.min(start, voicedRange.start), Math.max(end, voicedRange.end)),
      offset: Math.min(start, voicedRange.start),
      length: pcm.length,
      from,
      count: frameCount,
      voiced: voicedRange,
    };
    const order = { remaining: tasksFor(count) - w };
    const transfer = transferList(payload.pcm);
    const result = await pool.run<MelWindowResult>('mel.window', payload, { signal, order, transfer });
    windows.push(result.mel);
    voiced.push(result.voiced);
    bins = result.bins;
    if (result.max > max) max = result.max;
  }
  leafStage(SPAN.MEL_NORMALIZE, 'medium', () => {
    for (const window of windows) normalizeLogMel(window, max);
  });
  const flags = new Uint8Array(voiced.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of voiced) {
    flags.set(part, at);
    at += part.length;
  }
  return { windows, frames, bins, voiced: flags };
}

/** The encoder output window by window (position-major rows each, as its pass returned it), and the launches and seed over all. */
export interface WindowedEncoding {
  windows: Float32Array[];
  positions: number;
  launches: number;
  endMs: number;
  seed: number;
}

/**
 * The encoder output of all windows, one accelerator pass each; `seed` folds them for sampling
 * when asked. Each window's rows stay the array its pass returned: copying them into one array for
 * the whole audio would hold them twice until collected.
 */
export async function encodeByWindow(
  accelerator: Accelerator,
  mel: WindowedMel,
  weights: WeightSet,
  temperature: number,
  signal: AbortSignal,
): Promise<WindowedEncoding> {
  const count = mel.windows.length;
  const windows: Float32Array[] = [];
  let positions = 0;
  let launches = 0;
  let endMs = 0;
  let seed = seedStart(temperature);
  for (let w = 0; w < count; w++) {
    const frames = Math.min(WINDOW_FRAMES, mel.frames - w * WINDOW_FRAMES);
    const order = { remaining: tasksFor(count) - count - w };
    const result = await accelerator.run<EncoderResult>(
      { mel: mel.windows[w], frames, bins: mel.bins, weights },
      signal,
      order,
    );
    windows.push(result.output);
    // Encoded, the window's mel has no further use: letting it go keeps one copy of the audio's data at a time.
    mel.windows[w] = RELEASED;
    // Sampling (temperature > 0) seeds from the whole output; folding window by window is the same fold.
    if (temperature > 0) seed = foldSeed(seed, result.output);
    positions += result.positions;
    launches += result.launches;
    endMs = Math.max(endMs, result.endMs);
  }
  return { windows, positions, launches, endMs, seed: seed >>> 0 };
}

export interface WindowedDecode {
  encoder: WindowedEncoding;
  voiced: Uint8Array;
  samples: number;
  language: string | undefined;
  prompt: string | undefined;
  temperature: number;
  wordTimestamps: boolean;
  weights: WeightSet;
}

/** The decoder, one `decoder.window` task per window with speech (one with nothing to do when none has). */
export async function decodeByWindow(
  pool: WorkerPool,
  input: WindowedDecode,
  signal: AbortSignal,
): Promise<DecoderResult> {
  const { encoder } = input;
  const plans = encoder.positions > 0 ? planFromVoiced(input.voiced, input.samples / SAMPLE_RATE_HZ) : [];
  const windows = windowsWithSpeech(plans, encoder.positions);
  const steps = windows.length > 0 ? windows : [undefined];
  const earlier: DecodedSegment[] = [];
  let prompt = promptTokens(input.prompt);
  let rngState = encoder.seed;
  for (let i = 0; i < steps.length; i++) {
    const window = steps[i];
    const rows = window === undefined ? 0 : encoder.windows[window]!.length / D_MODEL;
    const payload: DecoderWindowPayload = {
      encoder: window === undefined ? RELEASED : encoder.windows[window]!,
      rows,
      speech: window !== undefined,
      plans: plans.filter((plan) => plan.window === window),
      prompt,
      rngState,
      language: input.language,
      temperature: input.temperature,
      weights: input.weights,
      ...(i === steps.length - 1 ? { finish: { earlier, wordTimestamps: input.wordTimestamps } } : {}),
    };
    const result = await pool.run<DecoderWindowResult>('decoder.window', payload, {
      signal,
      order: { remaining: steps.length - i },
      transfer: transferList(payload.encoder),
    });
    // Moved to the worker, the window's rows are gone here; the list lets go of the empty view too.
    if (window !== undefined) encoder.windows[window] = RELEASED;
    if (result.done) return result.done;
    earlier.push(...result.segments);
    prompt = result.prompt;
    rngState = result.rngState;
  }
  throw new Error('the last decoder window returned no transcript');
}
