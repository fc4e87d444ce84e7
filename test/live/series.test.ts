import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestSeries, SERIES_SPAN_MS } from '../../src/live/series.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { requestSpec, testTracer } from '../rollup/spans.ts';

/** A processor fed through a test tracer, and a way to finish requests of a chosen scale. */
function rollup(): { processor: RollupSpanProcessor; requests: (n: number, scale?: number, error?: boolean) => void } {
  const processor = new RollupSpanProcessor({ serviceName: 'live-test' });
  const { tree } = testTracer([processor]);
  return {
    processor,
    requests(n, scale = 1, error = false) {
      for (let i = 0; i < n; i++) tree({ ...requestSpec(scale), error }, i * 1000);
    },
  };
}

describe('RequestSeries', () => {
  it('makes a point per interval from the requests finished in it, with their latency', async (t) => {
    const { processor, requests } = rollup();
    t.after(() => processor.shutdown());
    const series = new RequestSeries();
    requests(3);
    series.observe(processor.summary(), 1000);
    assert.equal(series.points.length, 0, 'the first observation only sets the baseline');
    requests(10, 2);
    requests(2, 2, true);
    series.observe(processor.summary(), 2000);
    const [point] = series.points;
    assert.ok(point, 'one point after the second observation');
    assert.equal(point.t, 2000, 'stamped with the observation time');
    assert.equal(point.interval_ms, 1000, 'its interval');
    assert.equal(point.requests, 12, 'only the requests since the baseline, not the 3 before');
    assert.equal(point.errors, 2, 'roots ended with an error');
    assert.equal(point.p50_ms, 220, 'the median of the interval is that of its requests (scale 2: 220 ms)');
    assert.equal(point.p99_ms, 220, 'and so is the p99');
    series.observe(processor.summary(), 3000);
    assert.deepEqual(
      { requests: series.points[1]!.requests, p50: series.points[1]!.p50_ms },
      { requests: 0, p50: null },
      'a quiet interval has no requests and no latency',
    );
  });

  it("carries each resource's busy time and window of the interval", () => {
    const series = new RequestSeries();
    const resources = (busy: number, window: number) => [
      {
        name: 'worker_pool',
        capacity: 2,
        utilization: 0,
        busy_ms: busy,
        window_ms: window,
        queue_mean: 0,
        queue_max: 0,
        in_use: 0,
        queued: 0,
      },
    ];
    const processor = new RollupSpanProcessor();
    const base = processor.summary();
    void processor.shutdown();
    series.observe({ ...base, resources: resources(100, 1000) }, 1000);
    series.observe({ ...base, resources: resources(900, 2000) }, 2000);
    assert.deepEqual(
      series.points[0]!.resources.worker_pool,
      { busy_ms: 800, window_ms: 1000, capacity: 2 },
      'the differences of the cumulative entries',
    );
  });

  it('starts over without a point when the provider did (a count went down), and after pause', async (t) => {
    const first = rollup();
    const second = rollup();
    t.after(() => Promise.all([first.processor.shutdown(), second.processor.shutdown()]));
    const series = new RequestSeries();
    first.requests(5);
    series.observe(first.processor.summary(), 1000);
    second.requests(1);
    series.observe(second.processor.summary(), 2000);
    assert.equal(series.points.length, 0, 'no point across a restart');
    second.requests(4);
    series.observe(second.processor.summary(), 3000);
    assert.equal(series.points[0]?.requests, 4, 'the restarted provider is the new baseline');
    series.pause();
    second.requests(7);
    series.observe(second.processor.summary(), 9000);
    assert.equal(series.points.length, 1, 'after pause the next observation is a baseline again');
  });

  it('keeps the last minute only', async (t) => {
    const { processor } = rollup();
    t.after(() => processor.shutdown());
    const series = new RequestSeries();
    const summary = processor.summary();
    for (let second = 0; second <= 200; second++) series.observe(summary, second * 1000);
    const times = series.points.map((point) => point.t);
    assert.equal(times.length, SERIES_SPAN_MS / 1000, 'one point per second of the last minute');
    assert.equal(times[0], 200_000 - SERIES_SPAN_MS + 1000, 'the oldest is less than a minute old');
    for (let i = 0; i < 1000; i++) series.observe(summary, 200_001 + i);
    assert.ok(series.points.length <= 120, `bounded however often it is observed (${series.points.length})`);
  });
});
