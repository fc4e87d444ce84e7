/**
 * The `reference` engine: Whisper-base shapes with deterministic synthetic weights. mel and the
 * decoder run as pool tasks, the encoder as a pass on the configured accelerator device; audio
 * longer than one 30 s window runs each stage as one task per window (windowed.ts). Its
 * compute and data movement are real; its text is not speech recognition (model
 * `reference-synthetic`, see docs/accelerator.md).
 */
import { performance } from 'node:perf_hooks';
import { createAccelerator } from '../../accelerator/accelerator.ts';
import type { MelPayload, MelResult } from '../../audio/tasks.ts';
import { ATTR, SPAN } from '../../telemetry/names.ts';
import { stage } from '../../telemetry/stage.ts';
import type { Engine, EngineOptions, EngineResult, TranscribeRequest } from '../engine.ts';
import type { DecoderPayload, DecoderResult } from './decoder.ts';
import type { EncoderResult } from './encoder.ts';
import { transcribeByWindow } from './long-audio.ts';
import { TOKENS_PER_SECOND } from './speech-plan.ts';
import { VOCAB_SIZE } from './vocabulary.ts';
import { sharedWeights } from './weights.ts';
import { tasksFor, windowCount } from './windowed.ts';

export const REFERENCE_MODEL = 'reference-synthetic';

export async function createReferenceEngine(options: EngineOptions): Promise<Engine> {
  const { pool } = options;
  const accelerator = createAccelerator({
    runPass: (payload, signal, order) =>
      pool.run('encoder', payload, { ...(signal ? { signal } : {}), ...(order ? { order } : {}) }),
    device: options.device,
    offload: options.offload,
    ...(options.columns === undefined ? {} : { columns: options.columns }),
  });
  const weights = sharedWeights();
  const deviceAttributes = {
    [ATTR.DEVICE]: accelerator.device,
    [ATTR.OFFLOAD]: accelerator.offload,
    ...(accelerator.device === 'npu-sim' ? { [ATTR.NPU_COLUMNS]: accelerator.timing.columns } : {}),
  };

  async function transcribe(request: TranscribeRequest, signal: AbortSignal): Promise<EngineResult> {
    if (windowCount(request.pcm.length) > 1)
      return transcribeByWindow({ pool, accelerator, weights, deviceAttributes }, request, signal);
    const t0 = performance.now();
    const mel = await stage(SPAN.MEL, 'coarse', async (span) => {
      const payload: MelPayload = { pcm: request.pcm };
      const result = await pool.run<MelResult>('mel', payload, { signal, order: { remaining: tasksFor(1) } });
      span?.setAttributes({ [ATTR.MEL_FRAMES]: result.frames, [ATTR.MEL_BINS]: result.bins });
      return result;
    });
    const t1 = performance.now();
    const encoded = await stage(
      SPAN.ENCODER,
      'coarse',
      async (span) => {
        const result = await accelerator.run<EncoderResult>(
          { mel: mel.mel, frames: mel.frames, bins: mel.bins, weights },
          signal,
          { remaining: tasksFor(1) - 1 },
        );
        span?.setAttribute(ATTR.NPU_LAUNCHES, result.launches);
        return result;
      },
      deviceAttributes,
    );
    const t2 = performance.now();
    const decoded = await stage(SPAN.DECODER, 'coarse', async (span) => {
      const payload: DecoderPayload = {
        encoder: encoded.output,
        positions: encoded.positions,
        pcm: request.pcm,
        language: request.language,
        prompt: request.prompt,
        temperature: request.temperature,
        wordTimestamps: request.wordTimestamps,
        weights,
      };
      const result = await pool.run<DecoderResult>('decoder', payload, { signal, order: { remaining: 1 } });
      span?.setAttributes({
        [ATTR.DECODER_TOKENS]: result.tokens,
        [ATTR.DECODER_SEGMENTS]: result.transcript.segments.length,
      });
      return result;
    });
    const t3 = performance.now();
    return { transcript: decoded.transcript, timing: { mel_ms: t1 - t0, encoder_ms: t2 - t1, decoder_ms: t3 - t2 } };
  }

  return {
    name: 'reference',
    model: REFERENCE_MODEL,
    transcribe,
    resources: accelerator.meter ? [accelerator.meter] : [],
    describe: () => ({
      ...accelerator.describe(),
      vocabulary: VOCAB_SIZE,
      tokens_per_second: TOKENS_PER_SECOND,
      threads: pool.threads,
    }),
    close: async () => {},
  };
}
