/**
 * The live routes on a real node:http server (port 0): the event stream's framing and timing,
 * its bounds and its end, and the page's headers.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import type { LiveFeedOptions } from '../../src/live/feed.ts';
import { type LiveRoutes, withLiveRoutes } from '../../src/live/routes.ts';
import type { LiveSnapshot } from '../../src/live/snapshot.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { requestSpec, testTracer } from '../rollup/spans.ts';
import { waitUntil } from '../support/wait.ts';
import { openStream } from './sse-client.ts';

interface Mounted {
  url: string;
  live: LiveRoutes;
  server: Server;
  processor: RollupSpanProcessor;
}

const fallback: RequestListener = (_request, response) => {
  response.writeHead(418);
  response.end('inner');
};

async function mount(t: TestContext, options: Partial<LiveFeedOptions> = {}): Promise<Mounted> {
  const processor = new RollupSpanProcessor({ serviceName: 'routes-test' });
  const { listener, live } = withLiveRoutes(fallback, { summary: () => processor.summary(), ...options });
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    live.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await processor.shutdown();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, live, server, processor };
}

describe('live routes', () => {
  it('streams a retry hint and a snapshot on connect, then a snapshot every interval', async (t) => {
    const { url, processor } = await mount(t, { intervalMs: 100 });
    const stream = await openStream(`${url}/v1/events`);
    t.after(() => stream.close());
    assert.equal(stream.response.statusCode, 200, 'the stream is answered 200');
    assert.match(String(stream.response.headers['content-type']), /^text\/event-stream/, 'as an event stream');
    assert.equal(stream.response.headers['cache-control'], 'no-store', 'never cached');
    await stream.until('the first snapshot', (parsed) => parsed.events.length >= 1);
    assert.deepEqual(stream.retries, [1000], 'the reconnection delay comes first');
    const first = JSON.parse(stream.events[0]!.data) as LiveSnapshot;
    assert.equal(first.service, 'routes-test', 'a snapshot of the provider');
    assert.equal(first.requests.length, 0, 'no requests yet');
    testTracer([processor]).tree(requestSpec());
    await stream.until('a snapshot with the request', (parsed) =>
      parsed.events.some((event) => (JSON.parse(event.data) as LiveSnapshot).requests[0]?.count === 1),
    );
    assert.ok(
      stream.events.every((event) => event.event === 'snapshot'),
      'every event is a snapshot',
    );
    const ids = stream.events.map((event) => Number(event.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'ids increase',
    );
  });

  it('sends heartbeat comments', async (t) => {
    const { url } = await mount(t, { intervalMs: 60_000, heartbeatMs: 50 });
    const stream = await openStream(`${url}/v1/events`);
    t.after(() => stream.close());
    await stream.until('two heartbeats', (parsed) => parsed.comments.filter((c) => c === 'heartbeat').length >= 2);
    assert.equal(stream.events.length, 1, 'only the snapshot of the connect within a long interval');
  });

  it('bounds the watchers, forgets one that disconnects, and lets the next in', async (t) => {
    const { url, live } = await mount(t, { maxClients: 2 });
    const a = await openStream(`${url}/v1/events`);
    const b = await openStream(`${url}/v1/events`);
    t.after(() => b.close());
    const refused = await fetch(`${url}/v1/events`);
    assert.equal(refused.status, 503, 'a third watcher is refused');
    assert.equal(refused.headers.get('retry-after'), '5', 'and told when to retry');
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'overloaded', 'as overloaded');
    assert.equal(live.watchers, 2, 'two watchers');
    a.close();
    await waitUntil('the disconnected watcher to be forgotten', () => live.watchers === 1);
    const c = await openStream(`${url}/v1/events`);
    t.after(() => c.close());
    assert.equal(c.response.statusCode, 200, 'a new watcher takes the free place');
  });

  it('ends every stream on close, so that the server can close', async (t) => {
    const { url, live, server } = await mount(t, { intervalMs: 100 });
    const streams = await Promise.all([openStream(`${url}/v1/events`), openStream(`${url}/v1/events`)]);
    await Promise.all(streams.map((stream) => stream.until('a snapshot', (parsed) => parsed.events.length > 0)));
    const closed = new Promise((resolve) => server.close(resolve));
    live.close();
    await Promise.all(streams.map((stream) => stream.ended));
    assert.equal(live.watchers, 0, 'no watcher is left');
    server.closeIdleConnections();
    await closed;
  });

  it('answers 503 draining once closed, and keeps the stream when the provider fails', async (t) => {
    let fail = false;
    const provider = new RollupSpanProcessor();
    t.after(() => provider.shutdown());
    const { url, live } = await mount(t, {
      intervalMs: 50,
      summary: () => {
        if (fail) throw new Error('no summary today');
        return provider.summary();
      },
    });
    const stream = await openStream(`${url}/v1/events`);
    t.after(() => stream.close());
    fail = true;
    await stream.until('a comment about the failure', (parsed) =>
      parsed.comments.some((comment) => comment === 'no snapshot: no summary today'),
    );
    fail = false;
    const before = stream.events.length;
    await stream.until('snapshots again', (parsed) => parsed.events.length > before);
    live.close();
    const refused = await fetch(`${url}/v1/events`);
    assert.equal(refused.status, 503, 'a closed feed refuses');
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'draining', 'as draining');
  });

  it('serves the page with a policy that allows only its own script, styles and origin', async (t) => {
    const { url } = await mount(t);
    const page = await fetch(`${url}/live`);
    assert.equal(page.status, 200, 'the page is served');
    assert.match(String(page.headers.get('content-type')), /^text\/html/, 'as HTML');
    const policy = String(page.headers.get('content-security-policy'));
    for (const directive of ["default-src 'none'", "connect-src 'self'", "script-src 'sha256-"])
      assert.ok(policy.includes(directive), `the policy has ${directive}: ${policy}`);
    const html = await page.text();
    assert.ok(!/\b(src|href)=/.test(html), 'the page links to nothing');
    assert.equal((await fetch(`${url}/live`, { method: 'POST' })).status, 405, 'only GET');
    const other = await fetch(`${url}/v1/traces`);
    assert.equal(other.status, 418, 'other paths go to the wrapped listener');
    assert.equal(await other.text(), 'inner', 'unchanged');
  });
});
