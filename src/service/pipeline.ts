/**
 * One transcription, as the trace shows it: `transcribe` -> `audio.decode` (worker pool) ->
 * the engine's mel / encoder / decoder stages. Returns the rendered body and this request's timing.
 */
import { performance } from 'node:perf_hooks';
import { context, type Span } from '@opentelemetry/api';
import type { DecodedAudio } from '../audio/tasks.ts';
import type { Engine, TranscribeRequest } from '../engine/engine.ts';
import { uploadTasks, type WorkerPool } from '../engine/pool.ts';
import { transferList } from '../engine/transfer.ts';
import { ATTR, SPAN } from '../telemetry/names.ts';
import { leafStage, stage, withInjectedDelays } from '../telemetry/stage.ts';
import { type Rendered, render, timingDocument } from './formats.ts';
import type { DelayPlan } from './inject-delay.ts';
import type { TranscriptionParams } from './request-params.ts';

const RELEASED = new Float32Array(0);

export interface PipelineDeps {
  pool: WorkerPool;
  engine: Engine;
  /** Longest accepted audio, seconds. */
  maxDurationS: number;
  /** `--inject-delay`: planted delays for some requests' stages. */
  delays?: DelayPlan;
}

export interface PipelineResult {
  rendered: Rendered;
  timing: Record<string, number>;
}

function describeAudio(span: Span | undefined, audio: DecodedAudio, bytes: number): void {
  span?.setAttributes({
    [ATTR.AUDIO_DURATION_S]: audio.durationS,
    [ATTR.AUDIO_SAMPLE_RATE_HZ]: audio.sourceSampleRateHz,
    [ATTR.AUDIO_CHANNELS]: audio.channels,
    [ATTR.AUDIO_ENCODING]: audio.encoding,
    [ATTR.AUDIO_BYTES]: bytes,
  });
}

/** Runs the whole pipeline for validated parameters. `signal` aborts it (timeout, client gone). */
export function runPipeline(
  params: TranscriptionParams,
  deps: PipelineDeps,
  signal: AbortSignal,
): Promise<PipelineResult> {
  const delays = deps.delays?.forNextRequest();
  if (delays) return context.with(withInjectedDelays(context.active(), delays), () => transcribe(params, deps, signal));
  return transcribe(params, deps, signal);
}

function transcribe(params: TranscriptionParams, deps: PipelineDeps, signal: AbortSignal): Promise<PipelineResult> {
  const { engine, pool } = deps;
  return stage(
    SPAN.TRANSCRIBE,
    'coarse',
    async (span) => {
      const started = performance.now();
      const audio = await stage(SPAN.AUDIO_DECODE, 'coarse', async (decodeSpan) => {
        const bytes = params.file.length;
        // The upload moves to the worker: nothing here reads it again, and a copy would double it.
        const decoded = await pool.run<DecodedAudio>(
          'audio.decode',
          { bytes: params.file, maxDurationS: deps.maxDurationS },
          { signal, order: { remaining: uploadTasks(bytes) }, transfer: transferList(params.file) },
        );
        describeAudio(decodeSpan, decoded, bytes);
        return decoded;
      });
      const decodeMs = performance.now() - started;
      span?.setAttribute(ATTR.AUDIO_DURATION_S, audio.durationS);
      const request: TranscribeRequest = {
        pcm: audio.pcm,
        durationS: audio.durationS,
        language: params.language,
        prompt: params.prompt,
        temperature: params.temperature,
        wordTimestamps: params.words,
      };
      // The engine owns the samples from here (engine.ts) and may let them go: nothing else here holds them.
      audio.pcm = RELEASED;
      const { transcript, timing } = await engine.transcribe(request, signal);
      span?.setAttribute(
        ATTR.GEN_AI_USAGE_OUTPUT_TOKENS,
        transcript.segments.reduce((sum, segment) => sum + segment.tokens.length, 0),
      );
      const document = timingDocument(performance.now() - started, decodeMs, timing);
      const rendered = leafStage(SPAN.RESPONSE_RENDER, 'medium', () =>
        render({
          format: params.responseFormat,
          transcript,
          durationS: audio.durationS,
          model: engine.model,
          timing: document,
          words: params.words,
          segments: params.segments,
        }),
      );
      return { rendered, timing: document };
    },
    {
      [ATTR.ENGINE]: engine.name,
      [ATTR.MODEL]: engine.model,
      [ATTR.GEN_AI_RESPONSE_MODEL]: engine.model,
      ...(params.model === undefined ? {} : { [ATTR.GEN_AI_REQUEST_MODEL]: params.model }),
      [ATTR.RESPONSE_FORMAT]: params.responseFormat,
    },
  );
}
