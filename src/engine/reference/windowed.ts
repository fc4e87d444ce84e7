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
import { shrinkableSamples, shrinkSamples } from '../../audio/pcm.ts';
import { SPAN } from '../../telemetry/names.ts';
import { leafStage } from '../../telemetry/stage.ts';
import { windowTasks } from '../fair-queue.ts';
import type { WorkerPool } from '../pool.ts';
import { transferList } from '../transfer.ts';
import { foldSeed, seedStart } from './decoder.ts';
import type { EncoderResult } from './encoder.ts';
import type { MelWindowPayload, MelWindowResult } from './mel-window.ts';
import { encoderPositions, WINDOW_FRAMES } from './shapes.ts';
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

/** `samples` in a buffer of their own that the task frees as soon as it has read them. */
function copyOf(samples: Float32Array): Float32Array {
  const copy = shrinkableSamples(samples.length);
  copy.set(samples);
  return copy;
}

/** Window `w`'s mel frames, the samples its log-mel reads, and the samples whose voiced frames it reports. */
function windowRange(w: number, count: number, frames: number, length: number) {
  const from = w * WINDOW_FRAMES;
  const frameCount = Math.min(WINDOW_FRAMES, frames - from);
  const { start, end } = samplesForFrames(from, frameCount, length);
  const voiced = { start: w * WINDOW_SAMPLES, end: w === count - 1 ? length : (w + 1) * WINDOW_SAMPLES };
  return { from, frameCount, first: Math.min(start, voiced.start), last: Math.max(end, voiced.end), voiced };
}

/**
 * The log-mel window by window, the last window first: once a window's samples are copied into its
 * task, the samples after what the earlier windows read are let go (`shrinkSamples`, when the PCM
 * came from the decode), so the PCM shrinks as the mel grows instead of both being held whole.
 * `pcm` must not be read after.
 */
export async function melByWindow(pool: WorkerPool, pcm: Float32Array, signal: AbortSignal): Promise<WindowedMel> {
  const { length } = pcm;
  const frames = Math.floor(length / HOP_LENGTH);
  const count = windowCount(length);
  const windows: Float32Array[] = new Array(count);
  const voiced: Uint8Array[] = new Array(count);
  let samples = pcm;
  let max = Number.NEGATIVE_INFINITY;
  let bins = 0;
  for (let w = count - 1; w >= 0; w--) {
    const range = windowRange(w, count, frames, length);
    const payload: MelWindowPayload = {
      // A copy, moved to the worker: a view would carry its whole buffer (the entire upload) with it.
      pcm: copyOf(samples.subarray(range.first, range.last)),
      offset: range.first,
      length,
      from: range.from,
      count: range.frameCount,
      voiced: range.voiced,
    };
    if (w > 0) samples = shrinkSamples(samples, windowRange(w - 1, count, frames, length).last);
    const order = { remaining: tasksFor(count) - (count - 1 - w) };
    const transfer = transferList(payload.pcm);
    const result = await pool.run<MelWindowResult>('mel.window', payload, { signal, order, transfer });
    windows[w] = result.mel;
    voiced[w] = result.voiced;
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

/**
 * A long request's encoder passes, one accelerator pass per window, in order, run a stretch of
 * windows at a time so the decoder can take a window's rows as soon as they exist. Only the rows of
 * windows the caller keeps stay (`rows`, position-major, as the pass returned them); the rest are
 * let go at once, since a window without speech is never decoded. `seed` folds every window's
 * output for sampling when the temperature asks for it.
 */
export class WindowEncoder {
  readonly rows: Float32Array[] = [];
  /** Encoder positions of the whole audio, known from the mel frames before any pass. */
  readonly positions: number;
  launches = 0;
  private seedState: number;
  private next = 0;
  private readonly mel: WindowedMel;
  private readonly run: (w: number) => Promise<EncoderResult>;

  constructor(
    accelerator: Accelerator,
    mel: WindowedMel,
    weights: WeightSet,
    temperature: number,
    signal: AbortSignal,
  ) {
    this.mel = mel;
    const count = mel.windows.length;
    const framesOf = (w: number) => Math.min(WINDOW_FRAMES, mel.frames - w * WINDOW_FRAMES);
    this.positions = mel.windows.reduce((sum, _, w) => sum + encoderPositions(framesOf(w)), 0);
    this.seedState = seedStart(temperature);
    const sampling = temperature > 0;
    this.run = async (w) => {
      const order = { remaining: tasksFor(count) - count - w };
      const result = await accelerator.run<EncoderResult>(
        { mel: mel.windows[w], frames: framesOf(w), bins: mel.bins, weights },
        signal,
        order,
      );
      // Sampling (temperature > 0) seeds from the whole output; folding window by window is the same fold.
      if (sampling) this.seedState = foldSeed(this.seedState, result.output);
      return result;
    };
  }

  /** Windows encoded so far. */
  get done(): number {
    return this.next;
  }

  /** The sampling seed, once every window is encoded. */
  get seed(): number {
    return this.seedState >>> 0;
  }

  /** Encodes the windows before `end` not encoded yet; keeps the rows of those `keep` names. */
  async through(end: number, keep: (window: number) => boolean): Promise<void> {
    for (; this.next < end; this.next++) {
      const w = this.next;
      const result = await this.run(w);
      this.rows[w] = keep(w) ? result.output : RELEASED;
      // Encoded, the window's mel has no further use: letting it go keeps one copy of the audio's data at a time.
      this.mel.windows[w] = RELEASED;
      this.launches += result.launches;
    }
  }

  /** Takes window `w`'s rows: the encoder lets go of them. */
  take(w: number): Float32Array {
    const rows = this.rows[w]!;
    this.rows[w] = RELEASED;
    return rows;
  }
}
