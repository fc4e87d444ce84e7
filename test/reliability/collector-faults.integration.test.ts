/**
 * The collector is down (connection refused) or black-holed (accepts, never answers): every
 * request still succeeds, the request path never waits for an export, the export queue stays
 * bounded with the overflow counted in /health and the span summary, and SIGTERM still ends the
 * process within 10 s.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { type RunningService, startService, transcribe } from '../support/service.ts';
import { type BlackHole, clipWav, closedPort, health, spanSummary, startBlackHole } from './helpers.ts';

const QUEUE = 32;
const BATCH = 8;
/** Exports to the black hole hang this long: far longer than the whole test takes per request. */
const EXPORT_TIMEOUT_MILLIS = 120_000;
/** Requests give up well before an export times out: one that waited for an export fails. */
const CLIENT_TIMEOUT_MILLIS = 60_000;
const REQUESTS = 8;
const STREAMS = 4;
const SIGTERM_LIMIT_MILLIS = 10_000;

function collectorEnv(endpoint: string): Record<string, string> {
  return {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MILLIS),
    OTEL_BSP_EXPORT_TIMEOUT: String(EXPORT_TIMEOUT_MILLIS),
    OTEL_BSP_MAX_QUEUE_SIZE: String(QUEUE),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(BATCH),
    OTEL_BSP_SCHEDULE_DELAY: '50',
  };
}

/** Sends REQUESTS transcriptions over STREAMS closed-loop streams; returns their statuses. */
async function load(url: string): Promise<number[]> {
  const wav = clipWav('1s');
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: STREAMS }, async () => {
      while (next < REQUESTS) {
        next++;
        const response = await transcribe(url, wav, {}, {});
        statuses.push(response.status);
        await response.arrayBuffer();
      }
    }),
  );
  return statuses;
}

async function withClientTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`requests took over ${CLIENT_TIMEOUT_MILLIS} ms: they waited for an export`)),
      CLIENT_TIMEOUT_MILLIS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, and how long the process took to exit. */
async function terminate(service: RunningService): Promise<{ code: number | null; millis: number }> {
  const started = performance.now();
  const exited = once(service.child, 'exit');
  service.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return { code, millis: performance.now() - started };
}

async function assertSurvives(service: RunningService, note: (message: string) => void): Promise<void> {
  const statuses = await withClientTimeout(load(service.url));
  assert.deepEqual(statuses, Array(REQUESTS).fill(200), 'every request succeeds with the collector unreachable');

  const summary = await spanSummary(service.url);
  const produced = summary.spans.reduce((sum, s) => sum + s.count, 0);
  assert.ok(summary.dropped_spans > 0, `the summary counts dropped spans (${summary.dropped_spans} of ${produced})`);
  // Nothing is delivered, so what is not dropped is held for export: at most a full queue plus the batch in flight.
  assert.ok(
    produced - summary.dropped_spans <= QUEUE + BATCH,
    `held spans ${produced - summary.dropped_spans} stay within the queue (${QUEUE}) plus one batch (${BATCH})`,
  );
  note(`${produced} spans made, ${summary.dropped_spans} dropped`);
  const facts = await health(service.url);
  assert.equal(facts.status, 'ok', 'healthy');
  assert.ok(facts.dropped_spans >= summary.dropped_spans, `/health counts dropped spans (${facts.dropped_spans})`);
}

describe('collector connection refused', () => {
  let service: RunningService;
  before(async () => {
    service = await startService([], collectorEnv(`http://127.0.0.1:${await closedPort()}`));
  });
  after(() => service.stop());

  it('serves every request, bounds the export queue, counts the drops, and exits on SIGTERM within 10 s', async (t) => {
    await assertSurvives(service, (message) => t.diagnostic(message));
    const { code, millis } = await terminate(service);
    t.diagnostic(`exited ${millis.toFixed(0)} ms after SIGTERM`);
    assert.equal(code, 0, 'clean exit');
    assert.ok(millis < SIGTERM_LIMIT_MILLIS, `exited ${millis.toFixed(0)} ms after SIGTERM`);
  });
});

describe('collector black-holed', () => {
  let hole: BlackHole;
  let service: RunningService;
  before(async () => {
    hole = await startBlackHole();
    service = await startService([], collectorEnv(hole.url));
  });
  after(async () => {
    await service.stop();
    await hole.close();
  });

  it('serves every request while an export hangs, bounds the queue, counts the drops, and exits on SIGTERM within 10 s', async (t) => {
    await assertSurvives(service, (message) => t.diagnostic(message));
    // The requests were answered while the first export was still unanswered: none waited for it.
    assert.ok(
      hole.accepted >= 1 && hole.bytesReceived > 0,
      `an export reached the black hole (${hole.accepted} connections, ${hole.bytesReceived} bytes)`,
    );
    assert.equal(hole.closedByPeer, 0, 'no export gave up or finished while the requests ran');
    const { code, millis } = await terminate(service);
    t.diagnostic(`exited ${millis.toFixed(0)} ms after SIGTERM`);
    assert.equal(code, 0, 'clean exit despite the hanging export');
    assert.ok(millis < SIGTERM_LIMIT_MILLIS, `exited ${millis.toFixed(0)} ms after SIGTERM`);
  });
});
