/**
 * Graceful drain on SIGTERM: the listener closes at once, in-flight requests finish and are
 * answered 200, the final span summary counts exactly the requests answered 200, the spans are
 * flushed to the collector, and the process exits 0. Work that outlasts the drain budget is
 * answered 503 + Retry-After and the process still exits within 10 s.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSummary } from '../../src/rollup/validate.ts';
import { startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, startService } from '../support/service.ts';
import { clipWav, longWav, postWav, spanCount, tempFolder, waitForHealth, waitForLine } from './helpers.ts';

const SIGTERM_LIMIT_MILLIS = 10_000;

/** Resolves with the connection error code, or 'connected'. */
function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('graceful drain on SIGTERM', () => {
  it('stops accepting, finishes in-flight requests, writes a summary counting the 200s, flushes spans, exits 0', async (t) => {
    const folder = await tempFolder('drain');
    const receiver = await startReceiver();
    const summaryFile = join(folder, 'span-summary.json');
    // Spans leave only on the shutdown flush: a batch delay far beyond the test.
    const service = await startService(['--summary-out', summaryFile, '--summary-interval', '0'], {
      ...otlpEnv(receiver.url),
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    try {
      const warm = await postWav(service.url, clipWav('1s'));
      assert.equal(warm.status, 200, 'a request before the drain');
      await warm.arrayBuffer();
      let drainingSeen = false;
      let answeredWhileDraining = 0;
      const inFlight = [postWav(service.url, clipWav('1s')), postWav(service.url, clipWav('1s'))].map((p) =>
        p.then((response) => {
          if (drainingSeen) answeredWhileDraining++;
          return response;
        }),
      );
      // Both admitted (running, or already answered: the warm-up request is the first 200).
      await waitForHealth(service.url, (h) => h.in_flight + h.answered_ok - 1 === 2, 'both requests to be admitted');

      const draining = waitForLine(service.child, /SIGTERM: draining/).then(() => (drainingSeen = true));
      const started = performance.now();
      const exited = once(service.child, 'exit');
      service.child.kill('SIGTERM');
      await draining;
      assert.equal(await tryConnect(service.url), 'ECONNREFUSED', 'no new connections once draining');

      const responses = await Promise.all(inFlight);
      assert.deepEqual(
        responses.map((r) => r.status),
        [200, 200],
        'in-flight requests finish with 200',
      );
      assert.ok(answeredWhileDraining >= 1, 'at least one of them was still running when the drain began');
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      const [code] = (await exited) as [number | null];
      const millis = performance.now() - started;
      t.diagnostic(`exited ${millis.toFixed(0)} ms after SIGTERM`);
      assert.equal(code, 0, 'exit code 0');

      const summary = parseSummary(await readFile(summaryFile, 'utf8'));
      assert.deepEqual(
        spanCount(summary, 'transcribe'),
        { count: 3, errors: 0 },
        'the final summary counts the three requests answered 200',
      );
      const exported = (await receiver.spans()).filter((s) => s.name === 'transcribe');
      assert.equal(exported.length, 3, 'every transcribe span was flushed to the collector at exit');
    } finally {
      await service.stop();
      await receiver.close();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('answers work that outlasts the drain budget with 503 + Retry-After and still exits within 10 s', async (t) => {
    const folder = await tempFolder('drain');
    const summaryFile = join(folder, 'span-summary.json');
    const service = await startService([
      '--summary-out',
      summaryFile,
      '--summary-interval',
      '0',
      '--max-duration-s',
      '300',
    ]);
    try {
      const long = postWav(service.url, longWav(240));
      await waitForHealth(service.url, (h) => h.in_flight === 1, 'the long request to be running');
      const started = performance.now();
      const exited = once(service.child, 'exit');
      service.child.kill('SIGTERM');
      const response = await long;
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(response.status, 503, `abandoned with 503: ${JSON.stringify(body)}`);
      assert.equal(body.error.code, 'draining', 'draining code');
      assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/, 'Retry-After');
      const [code] = (await exited) as [number | null];
      const millis = performance.now() - started;
      t.diagnostic(`exited ${millis.toFixed(0)} ms after SIGTERM`);
      assert.equal(code, 0, 'exit code 0');
      assert.ok(millis < SIGTERM_LIMIT_MILLIS, `exited ${millis.toFixed(0)} ms after SIGTERM`);
      const transcribe = spanCount(parseSummary(await readFile(summaryFile, 'utf8')), 'transcribe');
      assert.equal(transcribe.count - transcribe.errors, 0, 'the summary counts no success: nothing was answered 200');
    } finally {
      await service.stop();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
