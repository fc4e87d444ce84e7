/**
 * Slow uploads: clients trickling their bodies hold places in the upload budget only, never a
 * processing slot; they are answered 408 and disconnected, and normal requests go on succeeding.
 * The service runs with a 2 s grace period, a 1 KiB/s minimum rate and a budget of 32 uploads
 * (the defaults are 10 s, 8 KiB/s and 64), so that the test takes seconds and 170 tricklers
 * outnumber the budget five to one.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningService, startService } from '../support/service.ts';
import { clipWav, postWav, spanCount, spanSummary, waitForHealth } from './helpers.ts';
import { startTricklers } from './trickle.ts';

const MAX_UPLOADS = 32;
const GRACE_S = 2;
const TRICKLERS = 170;
const NORMAL_REQUESTS = 8;

interface Envelope {
  error: { code: string; type: string };
}

describe('uploads a trickle cannot exhaust', () => {
  let service: RunningService;
  before(async () => {
    service = await startService([
      '--max-uploads',
      String(MAX_UPLOADS),
      '--upload-grace-s',
      String(GRACE_S),
      '--upload-min-rate-kib',
      '1',
      '--max-concurrent',
      '2',
      '--max-queue',
      '8',
    ]);
  });
  after(() => service.stop());

  it('serves normal requests while 170 clients trickle at 10 B/s, and answers the tricklers 408', async () => {
    // Each trickler opens a new connection 1 s after losing its last, so 170 keep trying throughout.
    const tricklers = startTricklers(service.url, { count: TRICKLERS, tickMs: 100, reopenMs: 1000 });
    try {
      await waitForHealth(
        service.url,
        (h) => h.uploads_receiving === MAX_UPLOADS,
        'the tricklers to fill the upload budget',
      );
      const statuses: number[] = [];
      for (let i = 0; i < NORMAL_REQUESTS / 2; i++) {
        const pair = await Promise.all([postWav(service.url, clipWav('1s')), postWav(service.url, clipWav('1s'))]);
        for (const response of pair) {
          statuses.push(response.status);
          await response.arrayBuffer();
        }
      }
      assert.deepEqual(statuses, Array(NORMAL_REQUESTS).fill(200), 'every normal request succeeded');
      // A place a normal upload frees, or a trickler dropped for its pace frees, stays empty until
      // the next trickler reconnects: the budget is full again soon after, not at every instant.
      const during = await waitForHealth(
        service.url,
        (h) => h.uploads_receiving === MAX_UPLOADS,
        'the tricklers to fill the upload budget again after the normal requests',
        10_000,
      );
      assert.equal(during.in_flight + during.queued, 0, 'no trickler holds a processing slot');
      await tricklers.answers(TRICKLERS + MAX_UPLOADS);
    } finally {
      tricklers.stop();
    }
    const other = tricklers.statuses.filter((status) => status !== 408 && status !== 503);
    assert.deepEqual(other, [], 'tricklers were answered only 408 (too slow) or 503 (budget full of fresh uploads)');
    assert.ok(
      tricklers.statuses.filter((status) => status === 408).length >= MAX_UPLOADS,
      `tricklers were dropped with 408: ${tricklers.statuses.length} answers`,
    );
    assert.equal(tricklers.unanswered, 0, 'every dropped trickler read its answer before the connection closed');

    await waitForHealth(
      service.url,
      (h) => h.uploads_receiving === 0 && h.open_requests === 0,
      'the closed tricklers to leave the upload budget',
    );
    const summary = await spanSummary(service.url);
    assert.deepEqual(
      spanCount(summary, 'transcribe'),
      { count: NORMAL_REQUESTS, errors: 0 },
      'only the normal requests reached processing',
    );
  });

  it('drops a lone trickler after the grace period with 408 upload_too_slow and closes its connection', async () => {
    const started = performance.now();
    const trickler = startTricklers(service.url, { count: 1, tickMs: 100, reopenMs: 60_000 });
    try {
      await trickler.answers(1);
    } finally {
      trickler.stop();
    }
    const elapsedS = (performance.now() - started) / 1000;
    assert.deepEqual(trickler.statuses, [408], 'answered 408');
    assert.ok(elapsedS >= GRACE_S, `not before the grace period: ${elapsedS.toFixed(2)} s`);
    assert.ok(elapsedS < GRACE_S + 2, `soon after it: ${elapsedS.toFixed(2)} s`);
  });

  it('answers the drop in the OpenAI envelope', async () => {
    const response = await fetch(`${service.url}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('--b\r\n'));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    const body = (await response.json()) as Envelope;
    assert.equal(response.status, 408, `408: ${JSON.stringify(body)}`);
    assert.deepEqual([body.error.code, body.error.type], ['upload_too_slow', 'timeout_error'], 'the envelope');
  });
});
