/**
 * The live view mounted on `collect`: the page and the stream answer on the receiver's port, the
 * snapshots show the requests of the exports it receives, and closing the receiver ends the stream.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startCollector } from '../../src/collect/collector.ts';
import type { LiveSnapshot } from '../../src/live/snapshot.ts';
import { openStream } from './sse-client.ts';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;

/** One request as a service exports it: a SERVER root with one child. */
function exportOf(traceByte: string): string {
  const traceId = traceByte.repeat(16);
  const span = (spanId: string, name: string, startMs: number, endMs: number, parent?: string) => ({
    traceId,
    spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name,
    kind: parent ? 1 : 2,
    startTimeUnixNano: (NOW_NS + BigInt(startMs) * 1_000_000n).toString(),
    endTimeUnixNano: (NOW_NS + BigInt(endMs) * 1_000_000n).toString(),
  });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'elsewhere' } }] },
        scopeSpans: [
          {
            spans: [
              span('0000000000000002', 'work', 2, 38, '0000000000000001'),
              span('0000000000000001', 'GET /thing', 0, 40),
            ],
          },
        ],
      },
    ],
  });
}

describe('the live view on collect', () => {
  it('shows the requests of received exports, and ends its streams when the receiver closes', async (t) => {
    const collector = await startCollector({ port: 0, completionWaitMs: 20, metrics: false });
    t.after(() => collector.close());
    const page = await fetch(`${collector.url}/live`);
    assert.equal(page.status, 200, 'the page is served on the receiver port');
    assert.match(String(page.headers.get('content-type')), /^text\/html/, 'as HTML');
    await page.arrayBuffer();
    const stream = await openStream(`${collector.url}/v1/events`);
    t.after(() => stream.close());
    await stream.until('the first snapshot', (parsed) => parsed.events.length > 0);
    for (const traceByte of ['a1', 'b2']) {
      const posted = await fetch(`${collector.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: exportOf(traceByte),
      });
      assert.equal(posted.status, 200, 'the export is accepted');
      await posted.arrayBuffer();
    }
    const snapshot = (data: string) => JSON.parse(data) as LiveSnapshot;
    await stream.until('a snapshot with both requests', (parsed) =>
      parsed.events.some((event) =>
        snapshot(event.data).requests.some((r) => r.root === 'GET /thing' && r.count === 2),
      ),
    );
    const last = snapshot(stream.events.at(-1)!.data);
    assert.deepEqual(
      last.stages.map((stage) => stage.name).sort(),
      ['GET /thing', 'work'],
      'the stages of the received spans',
    );
    await collector.close();
    await stream.ended;
  });
});
