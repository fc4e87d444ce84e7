/**
 * A request's HTTP side as spans under the SERVER span: receiving and parsing the multipart upload
 * under the upload budget (`http.upload`), waiting for a processing slot once the file has arrived
 * (`admission.wait`, near zero when a slot was free) and writing the answer (`http.response`). Without them that time would be a gap in the
 * request that nothing names.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { endWithRoot } from '../telemetry/end-with-root.ts';
import { handoffTo } from '../telemetry/handoff.ts';
import { ATTR, SPAN } from '../telemetry/names.ts';
import { nowMs } from '../telemetry/recorder.ts';
import { activeSpanStartMs, leafStage, openStage } from '../telemetry/stage.ts';
import type { Admission } from './admission.ts';
import { type ParsedUpload, parseUpload, type UploadLimits } from './multipart.ts';
import type { UploadBudget } from './upload-budget.ts';

/**
 * Receives and parses the upload inside `http.upload`, holding a place in the upload `budget`
 * while it arrives (a refusal or a drop for its pace ends the span in error). The span starts
 * with the SERVER span, when the request arrived: the body streams in from then on, and routing
 * before this call takes microseconds.
 */
export function receiveUpload(
  request: IncomingMessage,
  limits: UploadLimits,
  budget: UploadBudget,
): Promise<ParsedUpload> {
  const arrivedMs = activeSpanStartMs();
  return leafStage(
    SPAN.HTTP_UPLOAD,
    'medium',
    async (span) => {
      const ticket = await budget.admit();
      try {
        const upload = await parseUpload(request, limits, ticket);
        span?.setAttribute(ATTR.UPLOAD_BYTES, upload.file?.length ?? 0);
        return upload;
      } finally {
        ticket.leave();
      }
    },
    undefined,
    arrivedMs,
  );
}

/** Waits for an admission slot inside `admission.wait`; resolves with the slot's release function. */
export function admitted(admission: Admission): Promise<() => void> {
  return leafStage(SPAN.ADMISSION_WAIT, 'medium', () => admission.acquire(), {
    [ATTR.ADMISSION_QUEUED]: admission.queued,
    [ATTR.ADMISSION_MAX_CONCURRENT]: admission.maxConcurrent,
  });
}

/**
 * Writes a successful answer inside `http.response`, from the first byte written until the
 * response closes and the SERVER span, ended on that same 'close' event, with it (see
 * end-with-root.ts): the answer's span ends as its root does, and just before it.
 */
export function sendAnswer(response: ServerResponse, headers: OutgoingHttpHeaders, body: string): void {
  const startMs = nowMs();
  const span = openStage(SPAN.HTTP_RESPONSE, 'medium', startMs);
  const rootSpanId = trace.getSpan(context.active())?.spanContext().spanId;
  if (span && rootSpanId) {
    let closing: { fallback(): void } | undefined;
    response.prependOnceListener('close', () => {
      closing = endWithRoot(span, rootSpanId, nowMs());
    });
    response.once('close', () => closing?.fallback());
  } else if (span) response.prependOnceListener('close', () => span.end(nowMs()));
  response.writeHead(200, headers);
  response.end(body);
  handoffTo(SPAN.HTTP_RESPONSE, startMs);
}
