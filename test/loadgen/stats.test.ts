import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RequestSample, ScenarioStats, SLOWEST_KEPT } from '../../src/loadgen/scenario-stats.ts';

function sample(latencyMs: number, ok = true, extra: Partial<RequestSample> = {}): RequestSample {
  return {
    ok,
    failure: ok ? undefined : 'http_500',
    intendedAtMs: 0,
    sentAtMs: 0,
    headersAtMs: 1,
    endAtMs: latencyMs,
    audioS: 1,
    traceId: undefined,
    traceResponse: undefined,
    ...extra,
  };
}

describe('ScenarioStats', () => {
  it('counts audio and latency of successes only, and failures by type', () => {
    const stats = new ScenarioStats();
    stats.record(sample(10));
    stats.record(sample(20, false));
    stats.record(sample(30));
    assert.equal(stats.succeeded, 2, 'successes');
    assert.equal(stats.failed, 1, 'failures');
    assert.equal(stats.audioS, 2, 'audio of successes');
    assert.equal(stats.latency.count, 2, 'latency covers successes');
    assert.deepEqual(stats.errorsObject(), { http_500: 1 }, 'taxonomy');
  });

  it('keeps the slowest requests, slowest first, with trace ids from the span or the traceresponse header', () => {
    const stats = new ScenarioStats();
    for (let i = 1; i <= 20; i++) stats.record(sample(i, true, { traceId: i.toString(16).padStart(32, '0') }));
    stats.record(sample(100, true, { traceResponse: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` }));
    assert.equal(stats.slowest.length, SLOWEST_KEPT, 'bounded');
    assert.deepEqual(
      stats.slowest.map((s) => s.latency_ms),
      [100, 20, 19, 18, 17],
      'slowest first',
    );
    assert.equal(stats.slowest[0]!.trace_id, 'ab'.repeat(16), 'trace id from traceresponse');
    assert.equal(stats.slowest[1]!.trace_id, (20).toString(16).padStart(32, '0'), 'trace id from the client span');
  });

  it('measures latency from the intended start and service time from the send', () => {
    const stats = new ScenarioStats();
    stats.record(sample(150, true, { intendedAtMs: 0, sentAtMs: 100 }));
    assert.equal(stats.latency.max, 150, 'corrected latency');
    assert.equal(stats.serviceTime.max, 50, 'service time');
    assert.equal(stats.sendLag.max, 100, 'send lag');
  });
});
