import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { type RunningService, startService } from '../support/service.ts';
import { clipWav, postWav, waitForHealth } from './helpers.ts';

/** Long enough that each long request runs 20 mel windows and 20 encoder passes; silent, so no decoder work. */
const LONG_AUDIO_S = 600;

interface Answered {
  atMs: number;
  timing: Record<string, number>;
}

async function answered(response: Promise<Response>): Promise<Answered> {
  const reply = await response;
  assert.equal(reply.status, 200, 'answered 200');
  const body = (await reply.json()) as { timing: Record<string, number> };
  return { atMs: performance.now(), timing: body.timing };
}

describe('fair scheduling of pool work', () => {
  let service: RunningService;
  before(async () => {
    service = await startService();
  });
  after(() => service.stop());

  it('answers a 1 s request sent while two 10-minute uploads run before either finishes its mel stage', async () => {
    const long = encodeWav(new Float32Array(LONG_AUDIO_S * 16000), 16000);
    const fields = { response_format: 'verbose_json' };
    const sentMs = performance.now();
    const longs = [0, 1].map(() => answered(postWav(service.url, long, { fields })));
    await waitForHealth(service.url, (h) => h.in_flight === 2, 'both long requests to run');
    const short = await answered(postWav(service.url, clipWav('1s'), { fields }));
    const done = await Promise.all(longs);
    for (const [i, { timing }] of done.entries()) {
      // Measured by the service from its pipeline's start, which is after the client sent the request.
      const melEndedBy = sentMs + timing.decode_ms! + timing.mel_ms!;
      assert.ok(
        short.atMs < melEndedBy,
        `the short request (answered ${(short.atMs - sentMs).toFixed(0)} ms after the long ones were sent) ` +
          `finished before long request ${i}'s mel stage (ended by ${(melEndedBy - sentMs).toFixed(0)} ms)`,
      );
      assert.ok(short.atMs < done[i]!.atMs, `the short request finished before long request ${i}`);
    }
  });
});
