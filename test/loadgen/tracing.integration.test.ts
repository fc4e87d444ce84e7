import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { type FakeTarget, startFakeTarget } from './fake-target.ts';
import { load } from './helpers.ts';

/** OTLP SpanKind CLIENT. */
const KIND_CLIENT = 3;

interface Results {
  scenarios: { slowest: { trace_id: string | null }[] }[];
}

describe('load generator client spans', () => {
  let receiver: Receiver;
  let target: FakeTarget;
  before(async () => {
    receiver = await startReceiver();
    target = await startFakeTarget({ delayMs: 5 });
  });
  after(async () => {
    await target.close();
    await receiver.close();
  });

  it('makes every request a CLIENT span whose context reaches the server as traceparent', async () => {
    const exit = await load(
      ['--url', target.url, '--streams', '2', '--requests', '6', '--warmup', '2', '--progress', 'json'],
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    );
    assert.equal(exit.code, 0, exit.stderr);
    const posts = target.arrivals.filter((a) => a.method === 'POST');
    assert.equal(posts.length, 9, 'preflight + 2 warm-up + 6 measured');
    // The CLI flushes its spans before it exits, so they are all in by now.
    const spans = await receiver.spans();
    const clients = new Map(
      spans.filter((s) => s.name === 'loadgen.request').map((s) => [`${s.traceId}-${s.spanId}`, s]),
    );
    for (const post of posts) {
      const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(post.traceparent ?? '');
      assert.ok(match, `a sampled traceparent on every request, got ${post.traceparent}`);
      const span = clients.get(`${match[1]}-${match[2]}`);
      assert.ok(span, 'the traceparent names an exported load generator span');
      assert.equal(span.kind, KIND_CLIENT, 'CLIENT kind');
      assert.equal(span.serviceName, 'amanuensis-loadgen', 'service name');
      assert.equal(span.parentSpanId, '', 'each request is the root of its own trace');
      assert.equal(span.attributes['http.request.method'], 'POST', 'http semconv');
      assert.equal(span.attributes['http.response.status_code'], 200, 'status recorded');
    }
    const results = JSON.parse(exit.stdout.trim().split('\n').at(-1)!) as { results: Results };
    const traceIds = new Set([...clients.values()].map((s) => s.traceId));
    for (const slow of results.results.scenarios[0]!.slowest)
      assert.ok(slow.trace_id && traceIds.has(slow.trace_id), 'slowest requests carry their trace ids');
  });

  it('sends no traceparent with --no-trace', async () => {
    const start = target.arrivals.length;
    const exit = await load(['--url', target.url, '--streams', '1', '--requests', '2', '--no-trace']);
    assert.equal(exit.code, 0, exit.stderr);
    assert.ok(
      target.arrivals.slice(start).every((a) => a.traceparent === undefined),
      'no context propagated',
    );
  });
});
