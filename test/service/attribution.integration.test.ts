/**
 * Every millisecond of a request has a name: the real service under concurrent load exports its
 * spans over OTLP to a receiver in another process, and per trace the time inside the SERVER span
 * that no leaf span covers is computed from those exported spans (not from the code's intent).
 * The contract: at most 5 % of a request at p99, at `medium` and `fine`.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipWav } from '../reliability/helpers.ts';
import { attribute, quantile } from '../support/attribution.ts';
import { startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, startService, transcribe } from '../support/service.ts';

const ROOT = 'POST /v1/audio/transcriptions';
const STREAMS = 8;
const REQUESTS_PER_STREAM = 3;
const GOAL = 0.05;

/** Closed-loop load: `streams` clients each posting `perStream` 1 s clips one after another. */
async function drive(url: string, streams: number, perStream: number): Promise<number> {
  const wav = clipWav('1s');
  let answered = 0;
  await Promise.all(
    Array.from({ length: streams }, async () => {
      for (let i = 0; i < perStream; i++) {
        const response = await transcribe(url, wav);
        await response.arrayBuffer();
        assert.equal(response.status, 200, `status of a request under load`);
        answered++;
      }
    }),
  );
  return answered;
}

describe('unattributed time of exported requests', () => {
  for (const detail of ['medium', 'fine'] as const) {
    it(`at ${detail}, ${STREAMS} concurrent streams: p99 of the uncovered share of the SERVER span is at most ${GOAL}`, async () => {
      const receiver = await startReceiver();
      const service = await startService(['--detail', detail], {
        ...otlpEnv(receiver.url),
        OTEL_TRACES_EXPORTER: 'otlp',
      });
      let mine: ReturnType<typeof attribute>;
      try {
        const answered = await drive(service.url, STREAMS, REQUESTS_PER_STREAM);
        const spans = await receiver.waitForSpans(
          (received) => received.filter((span) => span.name === ROOT).length >= answered,
        );
        mine = attribute(spans, ROOT);
        assert.equal(
          mine.length,
          answered,
          `every answered request exported its trace (${mine.length} of ${answered})`,
        );
      } finally {
        await service.stop();
        await receiver.close();
      }
      const p99 = quantile(
        mine.map((request) => request.share),
        0.99,
      );
      const worst = mine.reduce((a, b) => (b.share > a.share ? b : a));
      assert.ok(
        p99 <= GOAL,
        `p99 share ${p99.toFixed(4)} > ${GOAL}; worst trace ${worst.traceId}: ${worst.unattributedMs.toFixed(1)} of ${worst.durationMs.toFixed(1)} ms, largest gap ${worst.largestGap.ms.toFixed(1)} ms after ${worst.largestGap.after}, before ${worst.largestGap.before}`,
      );
    });
  }
});
