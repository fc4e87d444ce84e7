/**
 * Audio longer than one 30 s window in the reference engine: `mel` window by window, then the
 * encoder and the decoder taking turns, so a window's encoder rows are decoded soon after they
 * exist and then let go, and the rows of windows without speech are let go at once
 * (docs/reliability.md, memory per upload). Before, every window's rows (12.8x the upload at
 * 8 kHz u8) waited for the decoder stage together.
 *
 * The trace keeps the contract's stages under `transcribe`, taking turns: one `encoder` span for the
 * passes up to the next window with speech (the last one for every pass left), then one `decoder`
 * span for that window; audio without speech has one `encoder` and one empty `decoder`, as before.
 * Sampling (temperature > 0) seeds from the whole encoder output, so there every pass runs in one
 * `encoder` span before the first window is decoded; only the rows of windows with speech wait.
 */
import { performance } from 'node:perf_hooks';
import type { Accelerator } from '../../accelerator/accelerator.ts';
import { ATTR, SPAN } from '../../telemetry/names.ts';
import type { StageAttributes } from '../../telemetry/recorder.ts';
import { stage } from '../../telemetry/stage.ts';
import type { EngineResult, TranscribeRequest } from '../engine.ts';
import type { WorkerPool } from '../pool.ts';
import { SpeechDecoder, speechWindows, type WindowDecoded } from './decode-windows.ts';
import type { WeightSet } from './weights.ts';
import { melByWindow, WindowEncoder } from './windowed.ts';

const RELEASED = new Float32Array(0);

/** What the engine lends the long-audio path. */
export interface LongAudioEngine {
  pool: WorkerPool;
  accelerator: Accelerator;
  weights: WeightSet;
  /** The `encoder` span's device attributes. */
  deviceAttributes: StageAttributes;
}

export async function transcribeByWindow(
  engine: LongAudioEngine,
  request: TranscribeRequest,
  signal: AbortSignal,
): Promise<EngineResult> {
  const t0 = performance.now();
  const samples = request.pcm.length;
  const mel = await stage(SPAN.MEL, 'coarse', async (span) => {
    const result = await melByWindow(engine.pool, request.pcm, signal);
    // Nothing reads the samples after mel: letting them go frees 8x the upload for the rest of the request.
    request.pcm = RELEASED;
    span?.setAttributes({ [ATTR.MEL_FRAMES]: result.frames, [ATTR.MEL_BINS]: result.bins });
    return result;
  });
  const timing = { mel_ms: performance.now() - t0, encoder_ms: 0, decoder_ms: 0 };
  const count = mel.windows.length;
  const encoder = new WindowEncoder(engine.accelerator, mel, engine.weights, request.temperature, signal);
  const speech = speechWindows(mel.voiced, samples, encoder.positions);
  const decoder = new SpeechDecoder(engine.pool, { ...request, weights: engine.weights }, speech, signal);
  const wanted = new Set(speech.windows);

  const encode = async (end: number): Promise<void> => {
    if (encoder.done >= end) return;
    const started = performance.now();
    await stage(
      SPAN.ENCODER,
      'coarse',
      async (span) => {
        const before = encoder.launches;
        await encoder.through(end, (w) => wanted.has(w));
        span?.setAttribute(ATTR.NPU_LAUNCHES, encoder.launches - before);
      },
      engine.deviceAttributes,
    );
    timing.encoder_ms += performance.now() - started;
  };
  const decode = async (rows: Float32Array): Promise<WindowDecoded> => {
    const started = performance.now();
    const result = await stage(SPAN.DECODER, 'coarse', async (span) => {
      const decoded = await decoder.next(rows);
      span?.setAttributes({ [ATTR.DECODER_TOKENS]: decoded.tokens, [ATTR.DECODER_SEGMENTS]: decoded.segments });
      return decoded;
    });
    timing.decoder_ms += performance.now() - started;
    return result;
  };

  if (request.temperature > 0) await encode(count);
  decoder.seed = encoder.seed;
  let decoded: WindowDecoded | undefined;
  const pending = decoder.pending;
  for (let i = 0; i < pending.length; i++) {
    const window = pending[i];
    await encode(i === pending.length - 1 || window === undefined ? count : window + 1);
    decoded = await decode(window === undefined ? RELEASED : encoder.take(window));
  }
  if (!decoded?.transcript) throw new Error('the last decoder window returned no transcript');
  return { transcript: decoded.transcript.transcript, timing };
}
