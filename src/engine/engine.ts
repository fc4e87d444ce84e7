/**
 * The engine contract: what the service hands an engine (decoded 16 kHz audio plus the request's
 * options) and what it gets back (an OpenAI-shaped transcript and this request's own stage
 * timings). Engines make their stage spans under the caller's active `transcribe` span.
 */

import type { DeviceName, OffloadMode } from '../accelerator/device.ts';
import type { ResourceSource } from '../telemetry/resource-meter.ts';
import type { WorkerPool } from './pool.ts';

/** The recognisers: `reference` is built in, `pocketsphinx` an optional native dependency. */
export const ENGINES = ['reference', 'pocketsphinx'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface TranscribeRequest {
  /** 16 kHz mono in [-1, 1]. The engine owns it: it may replace it with an empty array once it
   *  has no more use for it, so long audio's samples are not held for the whole request. */
  pcm: Float32Array;
  durationS: number;
  /** ISO-639-1 hint from the request. */
  language: string | undefined;
  prompt: string | undefined;
  temperature: number;
  /** timestamp_granularities[] included 'word'. */
  wordTimestamps: boolean;
}

export interface Segment {
  id: number;
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  temperature: number;
  avg_logprob: number;
  compression_ratio: number;
  no_speech_prob: number;
}

export interface Word {
  word: string;
  start: number;
  end: number;
}

export interface Transcript {
  text: string;
  language: string;
  segments: Segment[];
  words: Word[];
}

/**
 * This request's stage durations in ms, measured whether or not tracing is on; keys end in _ms
 * and include at least mel_ms, encoder_ms, decoder_ms (an engine without a stage reports what it has).
 */
export type StageTiming = Record<string, number>;

export interface EngineResult {
  transcript: Transcript;
  timing: StageTiming;
}

export interface Engine {
  /** One of {@link ENGINES}. */
  readonly name: string;
  /** e.g. 'reference-synthetic' */
  readonly model: string;
  /** Called inside the request's `transcribe` span (after `audio.decode`); makes its stage spans under it. */
  transcribe(request: TranscribeRequest, signal: AbortSignal): Promise<EngineResult>;
  /** Facts for GET /health and for span attributes (device, offload, columns, ...). */
  describe(): Record<string, string | number | boolean>;
  /** Shared resources the engine meters beyond the pool (npu-sim: `npu_columns`); none when absent. */
  readonly resources?: readonly ResourceSource[];
  close(): Promise<void>;
}

export interface EngineOptions {
  pool: WorkerPool;
  device: DeviceName;
  offload: OffloadMode;
  /** npu-sim columns (default documented in src/accelerator/npu-timing.ts). */
  columns?: number;
}
