/**
 * POST /v1/audio/transcriptions: parse the upload while it streams, validate, wait for admission,
 * run the pipeline under a timeout, answer with Server-Timing and traceresponse headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { ServiceError } from './errors.ts';
import { parseUpload, type UploadLimits } from './multipart.ts';
import { transcriptionParams } from './request-params.ts';
import { runPipeline, type PipelineDeps } from './pipeline.ts';
import { serverTiming } from './formats.ts';
import { sendError } from './respond.ts';
import { traceResponseHeader } from './trace-headers.ts';
import type { Admission } from './admission.ts';

export const TRANSCRIPTIONS_ROUTE = '/v1/audio/transcriptions';

export interface TranscriptionDeps extends PipelineDeps {
  admission: Admission;
  limits: UploadLimits;
  /** Per-request processing limit, ms; past it the answer is 504 and the work is abandoned. */
  requestTimeoutMs: number;
  /** Called with the outcome of every answered transcription (for counters). */
  onAnswered?: (status: number) => void;
}

function timeoutError(timeoutMs: number): ServiceError {
  return new ServiceError(`processing took longer than ${timeoutMs} ms`, { status: 504, code: 'timeout', type: 'timeout_error' });
}

/** How long a refused upload may go on being discarded, so its sender can read the answer first. */
const DISCARD_GRACE_MILLIS = 2000;

/**
 * The rest of a refused upload is read and thrown away (closing at once would reset the
 * connection before the client reads the 413), but only for a short grace period.
 */
function dropUnreadBody(request: IncomingMessage): void {
  request.resume();
  const timer = setTimeout(() => request.socket.destroy(), DISCARD_GRACE_MILLIS);
  timer.unref();
  request.once('end', () => clearTimeout(timer));
}

/** Handles one transcription request end to end; never throws. */
export async function handleTranscription(request: IncomingMessage, response: ServerResponse, deps: TranscriptionDeps): Promise<void> {
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = TRANSCRIPTIONS_ROUTE;
  let release: (() => void) | undefined;
  const controller = new AbortController();
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort(new Error('client closed the connection'));
  };
  response.on('close', onClose);
  try {
    const params = transcriptionParams(await parseUpload(request, deps.limits));
    release = await deps.admission.acquire();
    const timer = setTimeout(() => controller.abort(timeoutError(deps.requestTimeoutMs)), deps.requestTimeoutMs);
    let result;
    try {
      result = await Promise.race([
        runPipeline(params, deps, controller.signal),
        new Promise<never>((_, reject) => {
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
        }),
      ]);
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
    response.writeHead(200, headers);
    response.end(result.rendered.body);
    deps.onAnswered?.(200);
  } catch (error) {
    sendError(response, error);
    deps.onAnswered?.(response.statusCode);
    if (!request.complete) dropUnreadBody(request);
  } finally {
    response.off('close', onClose);
    release?.();
  }
}
