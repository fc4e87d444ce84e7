import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type Mock, mock } from 'node:test';
import { mergeSummaries } from '../../src/rollup/merge.ts';
import { createSpanMetrics } from '../../src/rollup/metrics.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { RESOURCE_GAUGES } from '../../src/rollup/resource-gauges.ts';
import { subtractSummary } from '../../src/rollup/subtract.ts';
import { ResourceMeter } from '../../src/telemetry/resource-meter.ts';

/** performance.now() under the test's control, for the meters. */
function clock(): { set(ms: number): void; restore(): void } {
  let now = 0;
  const stub: Mock<() => number> = mock.method(performance, 'now', () => now);
  return { set: (ms) => (now = ms), restore: () => stub.mock.restore() };
}

describe('RollupSpanProcessor resources', () => {
  it('reports utilization and queues of a meter driven by hand, over the cumulative and interval windows', () => {
    const time = clock();
    try {
      const pool = new ResourceMeter('worker_pool', 4);
      const processor = new RollupSpanProcessor({ serviceName: 'svc', resources: [pool] });
      pool.acquire();
      pool.acquire();
      time.set(50);
      pool.enqueue();
      time.set(100);
      pool.release();
      time.set(150);
      pool.dequeue();
      time.set(200);
      const [entry] = processor.summary().resources;
      // Busy: 2 units for 100 ms, then 1 for 100 ms; capacity 4 over 200 ms.
      assert.equal(entry?.name, 'worker_pool', 'named');
      assert.equal(entry.busy_ms, 300, 'unit-milliseconds busy');
      assert.equal(entry.window_ms, 200, 'since the processor started');
      assert.equal(entry.utilization, 300 / (4 * 200), 'busy over capacity x window');
      assert.equal(entry.queue_ms, 100, 'one waiter for 100 ms');
      assert.equal(entry.queue_mean, 0.5, 'queue length averaged over the window');
      assert.equal(entry.queue_max, 1, 'at most one waiter');
      assert.deepEqual([entry.in_use, entry.queued, entry.capacity], [1, 0, 4], 'now');
      const first = processor.rotate().resources[0]!;
      assert.equal(first.busy_ms, 300, 'the first interval is the whole time so far');
      time.set(300);
      const second = processor.rotate().resources[0]!;
      assert.deepEqual(
        [second.busy_ms, second.window_ms, second.utilization, second.queue_max],
        [100, 100, 0.25, 0],
        'the second interval: one unit busy for 100 ms',
      );
      assert.equal(processor.summary().resources[0]!.busy_ms, 400, 'cumulative goes on');
      const before = processor.summary();
      time.set(400);
      const difference = subtractSummary(processor.summary(), before).resources[0]!;
      assert.deepEqual(
        [difference.busy_ms, difference.window_ms, difference.utilization],
        [100, 100, 0.25],
        'the difference of two snapshots',
      );
      processor.reset();
      time.set(500);
      assert.equal(processor.summary().resources[0]!.window_ms, 100, 'reset starts the window again');
    } finally {
      time.restore();
    }
  });

  it('leaves out a source that throws instead of failing the document', () => {
    const broken = {
      name: 'broken',
      capacity: 1,
      read: () => {
        throw new Error('gone');
      },
      takeQueueMax: () => 0,
    };
    const processor = new RollupSpanProcessor({ serviceName: 'svc', resources: [broken] });
    assert.deepEqual(processor.summary().resources, [], 'no entry, no throw');
  });

  it('merges replicas side by side: capacities and busy time add, utilization is the busy share of all unit-time', () => {
    const time = clock();
    try {
      const a = new ResourceMeter('npu_columns', 4);
      const b = new ResourceMeter('npu_columns', 4);
      const left = new RollupSpanProcessor({ serviceName: 'a', resources: [a] });
      const right = new RollupSpanProcessor({ serviceName: 'b', resources: [b] });
      for (let i = 0; i < 4; i++) a.acquire();
      time.set(100);
      const merged = mergeSummaries([left.summary(), right.summary()]).resources;
      assert.equal(merged.length, 1, 'one entry per name');
      assert.deepEqual(
        [merged[0]!.capacity, merged[0]!.busy_ms, merged[0]!.window_ms, merged[0]!.utilization],
        [8, 400, 100, 0.5],
        'one replica full, one idle: half',
      );
    } finally {
      time.restore();
    }
  });
});

describe('createSpanMetrics resource gauges', () => {
  it('exposes utilization since the last scrape, units in use, waiters and capacity per resource', async () => {
    const time = clock();
    const pool = new ResourceMeter('worker_pool', 2);
    const metrics = await createSpanMetrics({ serviceName: 'svc', env: {}, resources: [pool] });
    const server = createServer((request, response) => metrics.handleMetrics(request, response));
    try {
      pool.acquire();
      pool.enqueue();
      time.set(1000);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)).text();
      const value = (name: string) =>
        Number(new RegExp(`^${name}\\{resource="worker_pool"\\} (\\S+)`, 'm').exec(text)?.[1]);
      assert.equal(
        value(RESOURCE_GAUGES.utilization),
        0.5,
        `one of two units busy: ${text
          .split('\n')
          .filter((l) => l.includes('resource'))
          .join(' | ')}`,
      );
      assert.equal(value(RESOURCE_GAUGES.inUse), 1, 'one in use');
      assert.equal(value(RESOURCE_GAUGES.queued), 1, 'one waiting');
      assert.equal(value(RESOURCE_GAUGES.capacity), 2, 'capacity');
    } finally {
      server.close();
      time.restore();
      await metrics.shutdown();
    }
  });
});
