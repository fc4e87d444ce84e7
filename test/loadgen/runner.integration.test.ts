import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientSpans } from '../../src/loadgen/client-spans.ts';
import { TargetClient } from '../../src/loadgen/http-client.ts';
import type { ScenarioSpec } from '../../src/loadgen/options.ts';
import { scenarioResult } from '../../src/loadgen/results.ts';
import { type RunContext, runScenario } from '../../src/loadgen/run-scenario.ts';
import { type FakeTarget, type FakeTargetOptions, startFakeTarget } from './fake-target.ts';
import { closed, open, preparedAudio } from './helpers.ts';

const audio = preparedAudio(1);

async function run(target: FakeTarget, spec: ScenarioSpec, extra: Partial<RunContext> = {}, timeoutMs = 10_000) {
  const client = new TargetClient(target.url, {
    connections: spec.model === 'closed' ? spec.streams! : null,
    timeoutMs,
  });
  try {
    return await runScenario(spec, { client, audio, spans: new ClientSpans(false), headers: {}, ...extra });
  } finally {
    await client.close();
  }
}

async function withTarget<T>(options: FakeTargetOptions, fn: (target: FakeTarget) => Promise<T>): Promise<T> {
  const target = await startFakeTarget(options);
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

describe('runScenario, closed model', () => {
  const DELAY_MS = 80;
  // Latency runs from the send to the last body byte: at least the delay, and only a few ms more.
  const FEW_MS = 10;
  let target: FakeTarget;
  before(async () => {
    target = await startFakeTarget({ delayMs: DELAY_MS, headersFirst: true });
  });
  after(() => target.close());

  it('reports a p50 within a few ms of a fixed server delay, measured to the last body byte, not the headers', async () => {
    const result = scenarioResult(await run(target, closed(4, 24, 4)), undefined);
    assert.equal(result.succeeded, 24, 'all succeeded');
    assert.ok(
      result.latency_ms.p50! >= DELAY_MS,
      `p50 ${result.latency_ms.p50} ms cannot be below the ${DELAY_MS} ms delay`,
    );
    // A stalled process (a busy CI machine) shows up as event-loop delay, which the result reports
    // exactly so that client stalls are not mistaken for server latency; allow for it.
    const allowedMs = FEW_MS + result.client_event_loop_delay_max_ms;
    assert.ok(
      result.latency_ms.p50! <= DELAY_MS + allowedMs,
      `p50 ${result.latency_ms.p50} ms within ${allowedMs} ms of the delay`,
    );
    assert.ok(result.ttfb_ms.p50! < DELAY_MS / 2, `headers came first: ttfb p50 ${result.ttfb_ms.p50} ms`);
    assert.ok(
      result.latency_ms.p50 !== Math.round(result.latency_ms.p50!) ||
        result.latency_ms.mean !== Math.round(result.latency_ms.mean!),
      'sub-millisecond resolution',
    );
  });

  it('sends exactly the requested total across streams, plus the warm-up, which no statistic counts', async () => {
    const before = target.arrivals.length;
    const result = scenarioResult(await run(target, closed(3, 10, 5)), undefined);
    assert.equal(target.arrivals.length - before, 15, '10 measured + 5 warm-up arrived');
    assert.equal(result.requests, 10, 'only the measured ones are reported');
  });

  it('shares one multipart body across every request', async () => {
    const start = target.arrivals.length;
    await run(target, closed(4, 12));
    const arrivals = target.arrivals.slice(start);
    assert.equal(new Set(arrivals.map((a) => a.bodyHash)).size, 1, 'identical bytes');
    assert.equal(new Set(arrivals.map((a) => a.contentType)).size, 1, 'one boundary: the body was built once');
  });
});

describe('runScenario, failures', () => {
  it('counts throughput of successes only and every completed request in requests/s (a server failing every other request)', async () => {
    await withTarget(
      {
        answer: (i) =>
          i % 2 === 0 ? { status: 200, body: '{"text":"ok"}' } : { status: 500, body: '{"error":{"message":"boom"}}' },
      },
      async (target) => {
        const run_ = await run(target, closed(2, 20));
        const result = scenarioResult(run_, undefined);
        assert.equal(result.succeeded, 10, 'half succeeded');
        assert.equal(result.failed, 10, 'half failed');
        assert.deepEqual(result.errors, { http_500: 10 }, 'taxonomy');
        assert.equal(result.audio_s, 10, 'audio of successes only');
        assert.ok(Math.abs((result.throughput_rtf ?? NaN) - 10 / run_.wallS) < 0.01, 'rtf = successful audio / wall');
        assert.ok(Math.abs(result.requests_per_s - 20 / run_.wallS) < 0.01, 'requests/s = all completed / wall');
        assert.equal(run_.stats.latency.count, 10, 'latency covers successes');
      },
    );
  });

  it('classifies a non-JSON 200 as bad_body, a stalled server as timeout and a refused connection as connection', async () => {
    await withTarget(
      { answer: () => ({ status: 200, body: '<html>hi</html>', contentType: 'text/html' }) },
      async (target) => {
        assert.deepEqual(
          scenarioResult(await run(target, closed(1, 3)), undefined).errors,
          { bad_body: 3 },
          'bad body',
        );
      },
    );
    await withTarget({ delayMs: 60_000 }, async (target) => {
      const result = scenarioResult(await run(target, closed(2, 2), {}, 300), undefined);
      assert.deepEqual(result.errors, { timeout: 2 }, 'timeout');
    });
    const gone = await startFakeTarget();
    await gone.close();
    assert.deepEqual(
      scenarioResult(await run(gone, closed(1, 2)), undefined).errors,
      { connection: 2 },
      'connection refused',
    );
  });
});

describe('runScenario, open model', () => {
  it('sends rate x duration requests at evenly spaced start times, without bursts', async () => {
    await withTarget({ delayMs: 5 }, async (target) => {
      const rate = 50;
      const result = scenarioResult(await run(target, open(rate, 1, 2)), undefined);
      const arrivals = target.arrivals.filter((a) => a.method === 'POST').slice(2);
      assert.equal(arrivals.length, 50, 'rate x duration requests');
      assert.equal(result.requests, 50, 'all reported');
      const intervalMs = 1000 / rate;
      // Nothing leaves before its intended start, so the spread is about (n - 1) intervals; one
      // interval of slack covers a first request that waited for a new connection.
      const spreadMs = arrivals.at(-1)!.atMs - arrivals[0]!.atMs;
      assert.ok(spreadMs >= 48 * intervalMs, `spread ${spreadMs.toFixed(1)} ms covers the 49 intervals`);
      // No request leaves ahead of its schedule (a burst would): request i arrives no earlier than
      // i intervals after the first, less one interval for the first one's connection set-up. A
      // client that fell behind may catch up later; that is the open model, not a burst.
      for (const [i, arrival] of arrivals.entries()) {
        const aheadMs = (i - 1) * intervalMs - (arrival.atMs - arrivals[0]!.atMs);
        assert.ok(aheadMs <= 0, `request ${i} arrived ${aheadMs.toFixed(1)} ms ahead of its schedule`);
      }
      assert.equal(result.service_time_ms?.p50 !== undefined, true, 'service time reported');
      assert.equal(result.send_lag_ms?.p50 !== undefined, true, 'send lag reported');
    });
  });

  it('measures latency from the intended start when the client stalls (coordinated omission corrected), service time from the send', async () => {
    await withTarget({ delayMs: 2 }, async (target) => {
      const STALL_MS = 300;
      let stalled = false;
      const result = scenarioResult(
        await run(target, open(40, 1), {
          snapshotIntervalMs: 200,
          onSnapshot: () => {
            if (stalled) return;
            stalled = true;
            const until = performance.now() + STALL_MS;
            while (performance.now() < until);
          },
        }),
        undefined,
      );
      assert.equal(result.requests, 40, 'the stalled requests were still sent');
      const intervalMs = 1000 / 40;
      // The request due just after the stall began could only leave when it ended.
      assert.ok(
        result.send_lag_ms!.max! >= STALL_MS - intervalMs,
        `send lag max ${result.send_lag_ms!.max} ms shows the stall`,
      );
      // Per request, corrected latency = send lag + service time; so in the (exact) means too.
      const meanGap = result.latency_ms.mean! - result.service_time_ms!.mean!;
      assert.ok(
        Math.abs(meanGap - result.send_lag_ms!.mean!) < 0.01,
        `latency mean - service mean (${meanGap}) = send lag mean (${result.send_lag_ms!.mean})`,
      );
      assert.ok(
        result.latency_ms.max! >= result.send_lag_ms!.max!,
        'the stalled requests count their wait in the corrected latency',
      );
    });
  });
});
