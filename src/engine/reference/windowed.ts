/**
 * Long audio on the pool one 30 s window at a time: `mel.window` and one encoder pass per window,
 * each its own pool task, and the decoder in slices of a window (decode-windows.ts), so a long
 * request holds a worker thread for one window's mel or encoder pass or one decoder slice, and a
 * short request submitted meanwhile waits for at most that much per thread
 * (docs/reliability.md, fair scheduling). Each task tells the pool how many tasks its request
 * still has (`order.remaining`), so queued short work starts first. The result equals the
 * one-task path's: windows are independent in the encoder, mel is normalized with the maximum of
 * every window, and the decoder's prompt and sampling state pass from window to window.
 */
import type { Accelerator } from '../../accelerator/accelerator.ts';
import { HOP_LENGTH, normalizeLogMel, samplesForFrames } from '../../audio/mel.ts';
import { SPAN } from '../../telemetry/names.ts';
import { leafStage } from '../../telemetry/stage.ts';
import { windowTasks } from '../fair-queue.ts';
import type { WorkerPool } from '../pool.ts';
import { transferList } from '../transfer.ts';
import { foldSeed, seedStart } from './decoder.ts';
import type { EncoderResult } from './encoder.ts';
import type { MelWindowPayload, MelWindowResult } from './mel-window.ts';
import { WINDOW_FRAMES } from './shapes.ts';
import type { WeightSet } from './weights.ts';

const WINDOW_SAMPLES = WINDOW_FRAMES * HOP_LENGTH;
const RELEASED = new Float32Array(0);

/** 30 s windows of `samples` of 16 kHz audio (mel frames of 160 samples, 3000 a window). */
export const windowCount = (samples: number): number => Math.ceil(Math.floor(samples / HOP_LENGTH) / WINDOW_FRAMES);

/** Pool work a request of `windows` windows has from its mel on (see windowTasks). */
export const tasksFor = windowTasks;

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
