/**
 * The `pocketsphinx` engine: real speech recognition with CMU PocketSphinx (Debian's
 * libpocketsphinx and its US-English model) through a native Node-API addon. Each request leases
 * one of a few long-lived recognisers and is decoded on the libuv threadpool as one utterance;
 * the addon times the front end, the search and the native post-processing, and those times are
 * replayed here as `frontend` and `decoder` (`decoder.search`, `decoder.post_processing`) spans
 * under the caller's `transcribe` span.
 */
import { CodedError, ERROR_CODE } from '../../core/errors.ts';
import { ATTR, SPAN } from '../../telemetry/names.ts';
import { nowMs, StageRecorder } from '../../telemetry/recorder.ts';
import { replaySpans, stageDetail, stagesEnabled } from '../../telemetry/stage.ts';
import type { Engine, EngineOptions, EngineResult, StageTiming, TranscribeRequest, Transcript } from '../engine.ts';
import { RecognizerPool } from './recognizers.ts';
import { decoderArgs, loadAddon, modelDir, type RawResult } from './setup.ts';
import { buildTranscript } from './transcript.ts';

export const POCKETSPHINX_MODEL = 'pocketsphinx-en-us';

/** libuv's threadpool size (UV_THREADPOOL_SIZE, default 4), which runs every native decode. */
function threadpoolSize(): number {
  const configured = Number.parseInt(process.env.UV_THREADPOOL_SIZE ?? '', 10);
  return Number.isInteger(configured) && configured > 0 ? configured : 4;
}

/**
 * One recogniser per worker-pool thread (the service sizes that pool to the cores), leaving at
 * least one libuv thread free for file and DNS work.
 */
export function recognizerCount(poolThreads: number, uvThreads: number = threadpoolSize()): number {
  return Math.max(1, Math.min(poolThreads, uvThreads - 1));
}

/** process.hrtime() milliseconds (the addon's clock) to epoch milliseconds (the recorder's). */
function hrtimeToEpoch(): (hrMs: number) => number {
  const offset = nowMs() - Number(process.hrtime.bigint()) / 1e6;
  return (hrMs) => hrMs + offset;
}

/** Settles with the decode, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Replays the stages the addon timed as `frontend` and `decoder` (`decoder.search`,
 * `decoder.post_processing`, which ends at `endMs` when the transcript is built) under the active
 * span, and returns them as this request's timing.
 */
function recordStages(raw: RawResult, transcript: Transcript, enteredMs: number, endMs: number): StageTiming {
  const toEpoch = hrtimeToEpoch();
  const t = raw.hrtimeMs;
  const frontendStart = toEpoch(t.frontendStart);
  const frontendEnd = toEpoch(t.frontendEnd);
  const searchStart = toEpoch(t.searchStart);
  const recorder = new StageRecorder(stageDetail(), stagesEnabled());
  recorder.add(SPAN.FRONTEND, 'coarse', frontendStart, frontendEnd, { [ATTR.MEL_FRAMES]: raw.frames }, -1);
  const tokens = transcript.segments.reduce((sum, segment) => sum + segment.tokens.length, 0);
  const decoder = recorder.add(
    SPAN.DECODER,
    'coarse',
    searchStart,
    endMs,
    { [ATTR.DECODER_TOKENS]: tokens, [ATTR.DECODER_SEGMENTS]: transcript.segments.length },
    -1,
  );
  if (decoder >= 0) {
    recorder.add(SPAN.DECODER_SEARCH, 'medium', searchStart, toEpoch(t.searchEnd), undefined, decoder);
    recorder.add(SPAN.DECODER_POST_PROCESSING, 'medium', toEpoch(t.postStart), endMs, undefined, decoder);
  }
  replaySpans(recorder.records);
  return {
    queue_ms: frontendStart - enteredMs,
    mel_ms: frontendEnd - frontendStart,
    encoder_ms: 0,
    decoder_ms: endMs - searchStart,
  };
}

/** Loads the model into `recognizerCount(...)` recognisers; rejects with the setup command when anything is missing. */
export async function createPocketSphinxEngine(options: EngineOptions): Promise<Engine> {
  const dir = modelDir();
  const addon = loadAddon(dir);
  const recognizers = await RecognizerPool.open(addon, decoderArgs(dir), recognizerCount(options.pool.threads));

  async function transcribe(request: TranscribeRequest, signal: AbortSignal): Promise<EngineResult> {
    if (request.language !== undefined && request.language !== 'en') {
      throw new CodedError(`the pocketsphinx engine recognises English only, not "${request.language}"`, {
        code: ERROR_CODE.UNSUPPORTED_LANGUAGE,
        param: 'language',
      });
    }
    const enteredMs = nowMs();
    const handle = await recognizers.acquire(signal);
    let decoding: Promise<RawResult>;
    try {
      decoding = addon.decode(handle, request.pcm);
    } catch (error) {
      recognizers.release(handle);
      throw error;
    }
    // The recogniser is free again only when its native work ends, even if this request was abandoned.
    void decoding.finally(() => recognizers.release(handle)).catch(() => {});
    const raw = await untilAborted(decoding, signal);
    const transcript = buildTranscript(raw, { wordTimestamps: request.wordTimestamps });
    return { transcript, timing: recordStages(raw, transcript, enteredMs, nowMs()) };
  }

  return {
    name: 'pocketsphinx',
    model: POCKETSPHINX_MODEL,
    transcribe,
    describe: () => ({
      recognizers: recognizers.size,
      busy_recognizers: recognizers.busy,
      queued_requests: recognizers.queued,
      binding: 'node-api',
    }),
    close: async () => recognizers.close(),
  };
}
