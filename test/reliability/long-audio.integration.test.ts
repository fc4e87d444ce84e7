/**
 * No work that cannot finish: a request's processing deadline scales with its audio at the rate
 * the service measured, so long audio that the configured timeout alone would cut off at 504 runs
 * to its answer. A 3 s `--request-timeout-s` stands in for the default 120 s, and 30 s of audio
 * (about 7.5 s of processing here) for 10 minutes, so the test takes seconds.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningService, startService } from '../support/service.ts';
import { clipWav, health, longWav, postWav, waitForHealth } from './helpers.ts';

const TIMEOUT_S = 3;
const LONG_AUDIO_S = 30;

interface Envelope {
  error: { code: string };
}

/** The `total` entry of a Server-Timing header, ms. */
function totalMs(response: Response): number {
  const match = /total;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

describe('deadlines that scale with the audio', () => {
  let service: RunningService;
  before(async () => {
    service = await startService(['--request-timeout-s', String(TIMEOUT_S), '--max-concurrent', '1']);
  });
  after(() => service.stop());

  it('applies the configured timeout while nothing has been measured', async () => {
    assert.equal((await health(service.url)).processing_s_per_audio_s, null, 'no rate before any request');
    const response = await postWav(service.url, longWav(LONG_AUDIO_S));
    const body = (await response.json()) as Envelope;
    assert.equal(response.status, 504, `504 at the configured ${TIMEOUT_S} s: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, 'timeout', 'timeout code');
    await waitForHealth(service.url, (h) => h.in_flight === 0, 'the aborted work to release its slot');
  });

  it('gives long audio a deadline from the measured rate, and it finishes', async () => {
    // A 1 s clip measures the pace: its fixed costs overstate it, which only lengthens the
    // deadline, and should a loaded machine take it past 3 s, its timeout is a floor of 3 s/s.
    const learn = await postWav(service.url, clipWav('1s'));
    await learn.arrayBuffer();
    await waitForHealth(service.url, (h) => h.in_flight === 0, 'the measuring request to end');
    const rate = (await health(service.url)).processing_s_per_audio_s;
    assert.ok(rate !== null && rate > 0, `a processing rate was measured: ${rate}`);

    const response = await postWav(service.url, longWav(LONG_AUDIO_S));
    const text = await response.text();
    assert.equal(response.status, 200, `the long request finished: ${text.slice(0, 200)}`);
    assert.ok(
      totalMs(response) > TIMEOUT_S * 1000,
      `it ran past the configured ${TIMEOUT_S} s (${totalMs(response)} ms), within its scaled deadline`,
    );
  });
});
