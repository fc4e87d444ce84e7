import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bottleneck, resourceChecks, scalingVerdict, verdict } from '../../src/report/saturation.ts';
import { requestEntry, resource, scenario } from './documents.ts';

describe('resource saturation', () => {
  it('names the one resource that is busy nearly always with work queued for it', () => {
    const resources = [
      resource('worker_pool', 4, 0.97, 3.1),
      resource('npu_columns', 4, 0.9, 0),
      resource('admission', 16, 0.4, 0),
    ];
    // 97 % of 4 threads over 10 s is 38 800 busy ms; over 400 requests, 97 ms each; at 40 req/s the law gives 40 × 0.097 / 4 = 0.97.
    const checks = resourceChecks(resources, 40, 400);
    assert.equal(bottleneck(checks)?.resource.name, 'worker_pool', 'the pool: utilization near 1 and a queue');
    assert.equal(
      checks.find((c) => c.resource.name === 'npu_columns')?.saturated,
      false,
      'busy columns nobody waits for are not saturated',
    );
    assert.equal(
      verdict(checks),
      'worker_pool saturates: utilization 97 % with 3.1 waiting on average, 7 at most. Utilization law: 40.0 req/s × 97.0 ms busy per request ÷ capacity 4 = 0.97; measured 0.97',
      'the verdict shows both sides of the law',
    );
  });

  it('names none when utilization is low, and points at the busiest', () => {
    const checks = resourceChecks([resource('worker_pool', 4, 0.3, 0.1), resource('npu_columns', 4, 0.2, 0)], 10, 100);
    assert.equal(bottleneck(checks), undefined, 'nothing saturated');
    assert.match(verdict(checks), /^no resource saturates; the busiest is worker_pool at 30 %/, 'says so');
  });

  it('explains a scaling efficiency below 0.9 from the scenario with the most streams', () => {
    const breakdown = (utilization: number, queue: number) => ({
      stages: [],
      requests: [requestEntry({ count: 400 })],
      resources: [resource('worker_pool', 4, utilization, queue)],
    });
    const four = scenario('4x32 1s', 4, { requests_per_s: 30, server_stages: breakdown(0.7, 0.2) });
    const eight = scenario('8x32 1s', 8, { requests_per_s: 40, server_stages: breakdown(0.97, 3.1) });
    const text = scalingVerdict([four, eight], 0.53);
    assert.match(
      text ?? '',
      /^Throughput stops growing with streams \(scaling efficiency 0\.53\)\. At 8x32 1s: worker_pool saturates/,
      'the cause at 8 streams',
    );
    assert.equal(scalingVerdict([scenario('4x32 1s', 4)], null), undefined, 'no resource figures: no verdict');
  });
});
