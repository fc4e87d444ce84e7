import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadEvent } from '../../src/loadgen/progress.ts';
import { runSuite } from '../../src/loadgen/run-load.ts';
import { suiteScenarios } from '../../src/loadgen/suites.ts';
import { LogHistogram } from '../../src/rollup/sketch.ts';
import { type FakeTarget, startFakeTarget } from './fake-target.ts';

const CONTRACT_FIELDS = [
  'name',
  'audio',
  'requests',
  'succeeded',
  'failed',
  'errors',
  'wall_s',
  'audio_s',
  'throughput_rtf',
  'requests_per_s',
  'latency_ms',
  'slowest',
];
const STAGE_MS = 4;

/** A cumulative span summary in which every transcription so far made one `transcribe` span of 4 ms. */
function summary(count: number): string {
  const sketch = new LogHistogram();
  for (let i = 0; i < count; i++) sketch.add(STAGE_MS);
  const stats = { count, errors: 0, total_ms: count * STAGE_MS, mean_ms: STAGE_MS, sketch: sketch.toJSON() };
  return JSON.stringify({
    schema_version: 1,
    service: { name: 'fake' },
    window: { start: '2026-01-01T00:00:00.000Z', end: 'now', kind: 'cumulative' },
    spans: count ? [{ name: 'transcribe', ...stats }] : [],
    paths: [],
  });
}

describe('runSuite', () => {
  let target: FakeTarget;
  before(async () => {
    target = await startFakeTarget({
      delayMs: 3,
      health: { status: 200, body: '{"status":"ok"}' },
      get: { '/v1/span-summary': () => ({ status: 200, body: summary(target.posts()) }) },
    });
  });
  after(() => target.close());

  it('runs the quick suite as a library call and returns the load-results document', async () => {
    const events: LoadEvent[] = [];
    const results = await runSuite(
      { url: target.url, suite: 'quick', trace: false },
      { onProgress: (event) => events.push(event), snapshotIntervalMs: 50 },
    );
    assert.equal(results.schema_version, 1, 'schema version');
    assert.equal(results.suite, 'quick', 'suite named');
    assert.deepEqual(
      results.scenarios.map((s) => s.name),
      suiteScenarios('quick').map((s) => s.name),
      'every scenario, in order',
    );
    for (const scenario of results.scenarios) {
      for (const field of CONTRACT_FIELDS) assert.ok(field in scenario, `${scenario.name} has ${field}`);
      assert.equal(scenario.failed, 0, `${scenario.name} had no failures`);
      assert.equal(typeof scenario.client_event_loop_delay_p99_ms, 'number', 'client event-loop delay reported');
    }
    assert.equal(typeof results.scaling_efficiency, 'number', 'the quick suite has a 4- and an 8-stream run of 1 s');
    assert.equal(
      events.filter((e) => e.type === 'scenario-end').length,
      results.scenarios.length,
      'an end event per scenario',
    );
    assert.ok(
      events.some((e) => e.type === 'snapshot'),
      'a snapshot at least at the end of each scenario',
    );
  });

  it('reports the server stages of exactly the measured requests from the span summary difference', async () => {
    const results = await runSuite({ url: target.url, suite: 'quick', trace: false });
    for (const scenario of results.scenarios) {
      const transcribe = scenario.server_stages?.stages.find((s) => s.name === 'transcribe');
      assert.ok(transcribe, `${scenario.name} has a server stage breakdown`);
      assert.equal(transcribe.count, scenario.requests, `${scenario.name}: warm-up requests are not in the breakdown`);
      assert.equal(transcribe.mean_ms, STAGE_MS, 'mean from the total difference');
      assert.ok(
        Math.abs(transcribe.p99_ms! - STAGE_MS) <= STAGE_MS * 0.01,
        `p99 ${transcribe.p99_ms} from the sketch difference (1% accuracy)`,
      );
    }
  });
});
