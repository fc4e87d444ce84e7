/**
 * Overload: admission is bounded (running + queued), everything beyond is refused at once with
 * 503 + Retry-After, never a 500 and never an unbounded queue; a request over its processing
 * limit is answered 504 and its work is aborted before its slot is given to another.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningService, startService } from '../support/service.ts';
import { clipWav, health, longWav, postWav, spanCount, spanSummary, waitForHealth } from './helpers.ts';

interface Envelope {
  error: { code: string; type: string };
}

/** Seconds of audio that take far longer than the 504 test's limit on any machine. */
const LONG_AUDIO_S = 120;
const TIMEOUT_S = 5;

async function assertRefused(response: Response): Promise<void> {
  const body = (await response.json()) as Envelope;
  assert.equal(response.status, 503, `refused with 503: ${JSON.stringify(body)}`);
  assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
  assert.equal(body.error.code, 'overloaded', 'overloaded code');
  assert.equal(body.error.type, 'overloaded_error', 'overloaded type');
}

describe('bounded admission', () => {
  let service: RunningService;
  before(async () => {
    service = await startService([
      '--max-concurrent',
      '1',
      '--max-queue',
      '1',
      '--max-duration-s',
      String(LONG_AUDIO_S),
    ]);
  });
  after(() => service.stop());

  it('runs one, queues one, refuses the rest with 503 + Retry-After, and admits again once a slot frees', async () => {
    const client = new AbortController();
    const first = postWav(service.url, longWav(LONG_AUDIO_S), { signal: client.signal }).catch(
      (error: unknown) => error,
    );
    await waitForHealth(service.url, (h) => h.in_flight === 1, 'the long request to run');
    const second = postWav(service.url, clipWav('1s'));
    await waitForHealth(service.url, (h) => h.queued === 1, 'the second request to queue');

    const refused = await Promise.all(Array.from({ length: 6 }, () => postWav(service.url, clipWav('1s'))));
    for (const response of refused) await assertRefused(response);
    const during = await health(service.url);
    assert.deepEqual(
      [during.in_flight, during.queued, during.open_requests],
      [1, 1, 2],
      'one running, one queued, nothing else held',
    );

    client.abort();
    assert.ok((await first) instanceof Error, 'the long request was abandoned by its client');
    const answer = await second;
    assert.equal(answer.status, 200, 'the queued request ran once the abandoned one was aborted');
    await answer.arrayBuffer();
    await waitForHealth(service.url, (h) => h.in_flight === 0 && h.open_requests === 0, 'the service to be idle');
  });

  it('answers a burst beyond capacity with only 200 and 503, at least as many 200 as the capacity', async () => {
    const burst = await Promise.all(Array.from({ length: 10 }, () => postWav(service.url, clipWav('1s'))));
    const statuses = burst.map((response) => response.status);
    for (const response of burst) {
      if (response.status === 503) await assertRefused(response);
      else await response.arrayBuffer();
    }
    assert.ok(
      statuses.every((status) => status === 200 || status === 503),
      `only 200 and 503: ${statuses.join(',')}`,
    );
    assert.ok(
      statuses.filter((status) => status === 200).length >= 2,
      `the first two arrivals (one running, one queued) are served: ${statuses.join(',')}`,
    );
  });
});

describe('per-request processing timeout', () => {
  let service: RunningService;
  before(async () => {
    service = await startService([
      '--request-timeout-s',
      String(TIMEOUT_S),
      '--max-concurrent',
      '1',
      '--max-queue',
      '0',
      '--max-duration-s',
      String(LONG_AUDIO_S),
    ]);
  });
  after(() => service.stop());

  it('answers 504, aborts the work, frees the slot, and keeps serving', async () => {
    const response = await postWav(service.url, longWav(LONG_AUDIO_S));
    const body = (await response.json()) as Envelope;
    assert.equal(response.status, 504, `504 past ${TIMEOUT_S} s: ${JSON.stringify(body)}`);
    assert.deepEqual([body.error.code, body.error.type], ['timeout', 'timeout_error'], 'timeout envelope');

    await waitForHealth(
      service.url,
      (h) => h.in_flight === 0 && h.open_requests === 0,
      'the aborted work to release its slot',
    );
    const summary = await spanSummary(service.url);
    assert.deepEqual(spanCount(summary, 'transcribe'), { count: 1, errors: 1 }, 'one transcribe span, ended in error');
    const decoder = spanCount(summary, 'decoder');
    assert.equal(
      decoder.count - decoder.errors,
      0,
      'no decoder pass ran to completion after the timeout: the work was aborted',
    );

    const next = await postWav(service.url, clipWav('1s'));
    assert.equal(next.status, 200, 'the freed slot (and the worker pool) serve the next request');
    await next.arrayBuffer();
  });
});
