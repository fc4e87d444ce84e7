/**
 * POST /v1/audio/transcriptions: parse the upload while it streams (under the upload budget),
 * validate, wait for a processing slot, run the pipeline under a deadline scaled to the audio's
 * duration, answer with Server-Timing and traceresponse headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import { TRANSCRIPTIONS_ROUTE } from '../telemetry/names.ts';
import { withRequestHandoffs } from '../telemetry/stage.ts';
import type { Admission } from './admission.ts';
import { closeUnread, dropUnreadBody } from './discard.ts';
import { serverTiming } from './formats.ts';
import { admitted, receiveUpload, sendAnswer } from './http-spans.ts';
import type { UploadLimits } from './multipart.ts';
import { type PipelineDeps, type PipelineResult, runPipeline } from './pipeline.ts';
import { audioDurationS, type ProcessingRate } from './processing-rate.ts';
import { type TranscriptionParams, transcriptionParams } from './request-params.ts';
import { sendError } from './respond.ts';
import { traceResponseHeader } from './trace-headers.ts';
import { isTooSlow } from './upload-budget.ts';

export interface TranscriptionDeps extends PipelineDeps {
  admission: Admission;
  limits: UploadLimits;
  /**
   * Per-request processing limit, ms; past it the answer is 504 and the work is aborted. Long
   * audio gets more once `processingRate` has measured the pace (processing-rate.ts).
   */
  requestTimeoutMs: number;
  /** The service's learnt processing pace, which scales each request's deadline. */
  processingRate: ProcessingRate;
  /** Aborting it abandons every running transcription with its reason (a drain that ran out of time). */
  stopSignal?: AbortSignal;
  /** Called with the outcome of every answered transcription (for counters). */
  onAnswered?: (status: number) => void;
}

function timeoutError(timeoutMs: number): CodedError {
  return new CodedError(`processing took longer than ${timeoutMs} ms`, { code: ERROR_CODE.TIMEOUT });
}

/** Nobody reads this answer; a CodedError (499, see errors.ts) keeps it out of the 5xx and warnings. */
function clientGone(): CodedError {
  return new CodedError('the client closed the connection', { code: ERROR_CODE.CLIENT_CLOSED });
}

/** Rejects with the signal's reason once it aborts (never resolves). */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * Runs the pipeline under `controller`, answering as soon as it finishes or is aborted (timeout,
 * client gone, stop). The returned `settled` resolves only when the aborted work has really
 * stopped (the worker task ended), so the caller keeps its admission slot until then: a timed-out
 * request frees its resources before its slot is given to another.
 */
function runAbortable(
  params: TranscriptionParams,
  deps: TranscriptionDeps,
  controller: AbortController,
): { result: Promise<PipelineResult>; settled: Promise<void> } {
  const work = runPipeline(params, deps, controller.signal);
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  return { result: Promise.race([work, whenAborted(controller.signal)]), settled };
}

/**
 * Resolves once the answer has been handed to the OS (or the connection is gone). `end()` only
 * queues it, and a drain that closes connections as soon as the last slot is released would
 * otherwise cut answers off.
 */
function responseFlushed(response: ServerResponse): Promise<void> {
  if (response.writableFinished || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    response.once('finish', resolve);
    response.once('close', resolve);
  });
}

/**
 * Handles one transcription request end to end; never throws. Called in the request's SERVER span
 * context, whose main-thread steps between leaf spans become `request.handoff` spans.
 */
export function handleTranscription(
  request: IncomingMessage,
  response: ServerResponse,
  deps: TranscriptionDeps,
): Promise<void> {
  return context.with(withRequestHandoffs(context.active()), () => answerTranscription(request, response, deps));
}

async function answerTranscription(
  request: IncomingMessage,
  response: ServerResponse,
  deps: TranscriptionDeps,
): Promise<void> {
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = TRANSCRIPTIONS_ROUTE;
  let leave: (() => void) | undefined;
  let release: (() => void) | undefined;
  let settled: Promise<void> = Promise.resolve();
  const controller = new AbortController();
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort(clientGone());
  };
  const onStop = (): void => controller.abort(deps.stopSignal?.reason);
  response.on('close', onClose);
  deps.stopSignal?.addEventListener('abort', onStop, { once: true });
  try {
    leave = deps.admission.enter();
    const params = transcriptionParams(await receiveUpload(request, deps.limits, deps.admission.reception));
    release = await admitted(deps.admission);
    controller.signal.throwIfAborted();
    const audioS = audioDurationS(params.file);
    const deadlineMs = deps.processingRate.deadlineMs(audioS, deps.requestTimeoutMs);
    const started = performance.now();
    const elapsedS = (): number => (performance.now() - started) / 1000;
    const timer = setTimeout(() => {
      // A timed-out request still teaches the rate: it needed at least this long.
      if (audioS !== undefined) deps.processingRate.timedOut(audioS, elapsedS());
      controller.abort(timeoutError(deadlineMs));
    }, deadlineMs);
    let result: PipelineResult;
    try {
      const run = runAbortable(params, deps, controller);
      settled = run.settled;
      result = await run.result;
      if (audioS !== undefined) deps.processingRate.completed(audioS, elapsedS());
    } finally {
      clearTimeout(timer);
    }
    const headers: Record<string, string> = {
      'content-type': result.rendered.contentType,
      'content-length': String(Buffer.byteLength(result.rendered.body)),
      'server-timing': serverTiming(result.timing),
      'x-amanuensis-model': deps.engine.model,
    };
    const traceResponse = traceResponseHeader();
    if (traceResponse) headers.traceresponse = traceResponse;
    sendAnswer(response, headers, result.rendered.body);
    deps.onAnswered?.(200);
  } catch (error) {
    // A client too slow to wait for is told so and let go, not read on. No `Connection: close`
    // header: Node would then destroy the socket at once, and the reset can take the unread 408 with it.
    const tooSlow = isTooSlow(error);
    sendError(response, error);
    deps.onAnswered?.(response.statusCode);
    if (tooSlow) closeUnread(request);
    else dropUnreadBody(request);
  } finally {
    response.off('close', onClose);
    deps.stopSignal?.removeEventListener('abort', onStop);
    await Promise.all([settled, responseFlushed(response)]);
    release?.();
    leave?.();
  }
}
