/**
 * Checks before a run that the target can be load-tested at all, so a typo in `--url` is one clear
 * line (exit 2) instead of a report full of connection errors: GET /health (our service answers
 * `{"status": "ok"}`; any other HTTP answer means some other server is up), then one real
 * transcription request whose answer must look like OpenAI's.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { ATTR, HEALTH_PATH, SPAN } from '../telemetry/names.ts';
import { redactUrl } from '../telemetry/redact.ts';
import type { PreparedClip } from './audio.ts';
import { ClientSpans } from './client-spans.ts';
import type { Outcome, TargetClient } from './http-client.ts';
import { TargetError } from './target-error.ts';

/** How long a starting or draining service (503 on /health) gets to become ready. */
const NOT_READY_GRACE_MS = 5000;
const NOT_READY_POLL_MS = 200;

export interface TargetInfo {
  /** GET /health answered `{"status": "ok"}`: this project's service (or one like it). */
  amanuensis: boolean;
  /** The /health body's facts, when it was ours. */
  health: Record<string, unknown> | undefined;
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** GET /health; throws TargetError when nothing answers or the service stays unready. */
export async function checkHealth(client: TargetClient, headers: Record<string, string>): Promise<TargetInfo> {
  // Messages carry the URL: without user info or query values, which may hold a key.
  const url = redactUrl(client.url(HEALTH_PATH));
  const giveUpAt = performance.now() + NOT_READY_GRACE_MS;
  for (;;) {
    const outcome = await client.send({ method: 'GET', path: HEALTH_PATH, headers, check: 'none', keepBody: true });
    if (outcome.status === 0)
      throw new TargetError(`cannot reach ${url}: ${outcome.detail ?? 'no response'} (is the target running?)`);
    const body = jsonObject(outcome.body);
    if (outcome.status === 200 && body?.status === 'ok') return { amanuensis: true, health: body };
    if (outcome.status === 503 && typeof body?.status === 'string') {
      if (performance.now() >= giveUpAt)
        throw new TargetError(
          `${url} still answers 503 (status '${String(body.status)}') after ${NOT_READY_GRACE_MS / 1000} s: the service is not ready`,
        );
      await delay(NOT_READY_POLL_MS);
      continue;
    }
    // Not our service: an OpenAI-compatible server need not have /health; it answered, which is enough.
    return { amanuensis: false, health: undefined };
  }
}

function serverMessage(outcome: Outcome): string {
  const error = jsonObject(outcome.body)?.error;
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? `: ${message.slice(0, 200)}` : '';
}

/**
 * Sends one transcription request (a traced warm-up) and throws TargetError when the answer
 * shows the run would be meaningless: wrong path, a rejected upload, or a non-transcription body.
 * Server-side failures (5xx, 429, 408) are left for the run to measure.
 */
export async function preflight(
  client: TargetClient,
  path: string,
  clip: PreparedClip,
  spans: ClientSpans,
  headers: Record<string, string>,
): Promise<void> {
  const target = client.url(path);
  const url = redactUrl(target);
  const requestHeaders = { ...headers, 'content-type': clip.contentType };
  const span = spans.start(
    SPAN.LOADGEN_REQUEST,
    { ...ClientSpans.httpAttributes('POST', target), [ATTR.LOADGEN_WARMUP]: true },
    requestHeaders,
  );
  const outcome = await client.send({
    method: 'POST',
    path,
    headers: requestHeaders,
    body: clip.body,
    check: 'transcription',
    keepBody: true,
  });
  ClientSpans.end(span, outcome);
  const { status } = outcome;
  if (status === 0) throw new TargetError(`POST ${url} failed: ${outcome.detail ?? 'no response'}`);
  if (status >= 300 && status < 400)
    throw new TargetError(`POST ${url} answered a ${status} redirect: give the final URL with --url`);
  if (status === 404 || status === 405)
    throw new TargetError(
      `POST ${url} answered ${status}${serverMessage(outcome)}: is --url the base URL (and --path the path) of an OpenAI-compatible transcription service?`,
    );
  if (status === 401 || status === 403)
    throw new TargetError(`POST ${url} answered ${status}${serverMessage(outcome)}: give the key with --api-key`);
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    throw new TargetError(`POST ${url} rejected the upload with ${status}${serverMessage(outcome)}`);
  if (outcome.failure === 'bad_body')
    throw new TargetError(
      `POST ${url} answered ${status} without a JSON transcription ({"text": ...}): not an OpenAI-compatible transcription endpoint?`,
    );
}
