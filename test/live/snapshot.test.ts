import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SeriesPoint } from '../../src/live/series.ts';
import { buildSnapshot, MAX_STAGES, RECENT_POINTS } from '../../src/live/snapshot.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { requestSpec, type SpanSpec, testTracer } from '../rollup/spans.ts';

function point(t: number, busyMs: number): SeriesPoint {
  return {
    t,
    interval_ms: 1000,
    requests: 1,
    errors: 0,
    p50_ms: 1,
    p99_ms: 1,
    max_ms: 1,
    resources: { worker_pool: { busy_ms: busyMs, window_ms: 1000, capacity: 2 } },
  };
}

describe('buildSnapshot', () => {
  it('lists the stages by self time with percentiles and shares that add up to one', async (t) => {
    const processor = new RollupSpanProcessor({ serviceName: 'live-test' });
    t.after(() => processor.shutdown());
    const { tree } = testTracer([processor]);
    for (let i = 0; i < 20; i++) tree(requestSpec(1 + i / 10), i * 1000);
    const summary = processor.summary();
    const snapshot = buildSnapshot(summary, []);
    assert.equal(snapshot.service, 'live-test', 'the service name');
    assert.equal(snapshot.stages.length, summary.spans.length, 'every name while there are few');
    const selfs = snapshot.stages.map((stage) => stage.self_total_ms);
    assert.deepEqual(
      selfs,
      [...selfs].sort((a, b) => b - a),
      'most self time first',
    );
    const shares = snapshot.stages.reduce((sum, stage) => sum + stage.self_share, 0);
    assert.ok(Math.abs(shares - 1) < 1e-9, `self shares add up to 1 (${shares})`);
    const kernel = snapshot.stages.find((stage) => stage.name === 'npu.kernel_execution');
    const entry = summary.spans.find((span) => span.name === 'npu.kernel_execution');
    assert.deepEqual(
      kernel && [kernel.count, kernel.p50_ms, kernel.p99_ms, kernel.self_mean_ms],
      entry && [entry.count, entry.p50_ms, entry.p99_ms, entry.self_mean_ms],
      "a stage's numbers are its summary entry's",
    );
    const [requests] = snapshot.requests;
    assert.equal(requests?.count, 20, 'the request attribution of the root');
    assert.equal(requests?.tail.slow_count, summary.requests[0]!.tail.slow_count, 'with its tail');
  });

  it('stays small: no sketches, exemplars or kept traces, and at most MAX_STAGES stages', async (t) => {
    const processor = new RollupSpanProcessor();
    t.after(() => processor.shutdown());
    const children: SpanSpec[] = Array.from({ length: MAX_STAGES + 20 }, (_, i) => ({
      name: `stage-${i}`,
      start: i,
      end: i + 1 + (i % 7),
    }));
    testTracer([processor]).tree({ name: 'root', start: 0, end: 200, children });
    const text = JSON.stringify(buildSnapshot(processor.summary(), []));
    assert.equal(JSON.parse(text).stages.length, MAX_STAGES, 'the stages with the most self time only');
    for (const field of ['"sketch"', '"exemplars"', '"slowest"', '"typical"', '"state"'])
      assert.ok(!text.includes(field), `no ${field} in the snapshot`);
  });

  it("gives each resource's busy share over the last RECENT_POINTS points beside the whole window's", () => {
    const processor = new RollupSpanProcessor();
    const summary = processor.summary();
    void processor.shutdown();
    const withPool = {
      ...summary,
      resources: [
        {
          name: 'worker_pool',
          capacity: 2,
          utilization: 0.25,
          busy_ms: 5000,
          window_ms: 10_000,
          queue_mean: 0.5,
          queue_max: 3,
          in_use: 2,
          queued: 1,
        },
      ],
    };
    const old = Array.from({ length: 10 }, (_, i) => point(i * 1000, 0));
    const recent = Array.from({ length: RECENT_POINTS }, (_, i) => point(20_000 + i * 1000, 1500));
    const [pool] = buildSnapshot(withPool, [...old, ...recent]).resources;
    assert.equal(pool?.utilization_recent, 0.75, 'busy 1500 of 2 x 1000 unit-ms in each recent point');
    assert.equal(pool?.utilization, 0.25, 'the whole window as the summary says');
    assert.deepEqual([pool?.in_use, pool?.queued, pool?.queue_max], [2, 1, 3], 'the state now');
    assert.equal(
      buildSnapshot(withPool, []).resources[0]?.utilization_recent,
      null,
      'no recent share before any point',
    );
  });
});
