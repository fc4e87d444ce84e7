import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Collector, startCollector } from '../../src/collect/collector.ts';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { SENDER_SPANS_PER_REQUEST, sendFromProcess } from '../support/otlp-sender.ts';
import { waitUntil } from '../support/wait.ts';

const REQUESTS = 40;
const STATISTICS = [
  'count',
  'errors',
  'total_ms',
  'min_ms',
  'max_ms',
  'p50_ms',
  'p90_ms',
  'p95_ms',
  'p99_ms',
  'p999_ms',
  'self_total_ms',
  'self_mean_ms',
] as const;

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** Asserts that `received` has the statistics of `reference` for every name, path and request root. */
function assertSameRollups(received: SpanSummaryDocument, reference: SpanSummaryDocument, label: string): void {
  assert.deepEqual(
    received.spans.map((entry) => entry.name).sort(),
    reference.spans.map((entry) => entry.name).sort(),
    `${label}: the same span names`,
  );
  for (const expected of reference.spans) {
    const actual = received.spans.find((entry) => entry.name === expected.name)!;
    for (const key of STATISTICS) close(actual[key], expected[key], `${label}: ${expected.name} ${key}`);
  }
  assert.deepEqual(
    received.paths.map((entry) => entry.path),
    reference.paths.map((entry) => entry.path),
    `${label}: the same paths`,
  );
  for (const expected of reference.paths) {
    const actual = received.paths.find((entry) => entry.path === expected.path)!;
    for (const key of STATISTICS) close(actual[key], expected[key], `${label}: path ${expected.path} ${key}`);
  }
  assert.deepEqual(
    received.requests.map((entry) => [entry.root, entry.count]),
    reference.requests.map((entry) => [entry.root, entry.count]),
    `${label}: the same requests`,
  );
  for (const expected of reference.requests) {
    const actual = received.requests.find((entry) => entry.root === expected.root)!;
    for (const key of ['mean', 'p50', 'p99', 'max'] as const)
      close(actual.unattributed_ms[key], expected.unattributed_ms[key], `${label}: unattributed ${key}`);
    assert.deepEqual(
      actual.tail.stages.map((stage) => stage.name),
      expected.tail.stages.map((stage) => stage.name),
      `${label}: the same tail stages`,
    );
    assert.deepEqual(actual.slowest, expected.slowest, `${label}: the same slowest requests, whole, to the last bit`);
    assert.deepEqual(actual.typical, expected.typical, `${label}: the same typical requests`);
  }
}

describe('collect with the SDK OTLP exporters (proto, JSON, gRPC) of another process', () => {
  let collector: Collector;
  before(async () => {
    collector = await startCollector({ port: 0, grpcPort: 0, completionWaitMs: 300, metrics: false });
  });
  after(() => collector.close());

  for (const protocol of ['proto', 'json', 'grpc']) {
    it(`gives the in-process rollups exactly (${protocol}, SimpleSpanProcessor: children arrive first)`, async () => {
      const before = collector.health().spans;
      const reference = await sendFromProcess(
        protocol === 'grpc' ? collector.grpcUrl! : collector.url,
        protocol,
        REQUESTS,
      );
      await waitUntil('every span received and every trace rolled up', () => collector.health(), {
        until: (health) => health.spans - before === REQUESTS * SENDER_SPANS_PER_REQUEST && health.waiting_spans === 0,
      });
      const health = collector.health();
      assert.equal(health.rejected_spans, 0, 'no span rejected');
      assert.equal(health.late_spans, 0, 'no span late');
      const received = collector.summary();
      assert.equal(received.requests[0]?.count, REQUESTS, 'one request per root, the remote-parented ones too');
      assertSameRollups(received, reference, protocol);
      assert.deepEqual(
        [received.overflow.traces, received.overflow.trace_spans, received.internal_errors],
        [0, 0, 0],
        'nothing overflowed',
      );
      // The next protocol starts from nothing.
      collector.reset();
    });
  }
});
