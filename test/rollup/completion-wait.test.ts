import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RollupEngine } from '../../src/rollup/rollup-engine.ts';
import { SpanNode } from '../../src/rollup/span-node.ts';

const T0 = 1_700_000_000_000;

interface Spec {
  id: string;
  parent?: string;
  name: string;
  start: number;
  end: number;
  remote?: boolean;
  source?: number;
  internal?: boolean;
}

function node(trace: string, spec: Spec): SpanNode {
  const made = new SpanNode(
    trace.padStart(32, '0'),
    spec.id.padStart(16, '0'),
    spec.parent === undefined ? '' : spec.parent.padStart(16, '0'),
    spec.parent === undefined || spec.remote === true,
    spec.name,
    spec.internal ?? true,
    T0 + spec.start,
    spec.end - spec.start,
    false,
    true,
  );
  made.source = spec.source ?? 1;
  return made;
}

/** A request: root [0, 100], a [10, 40] with a child a.b [15, 35], c [50, 90]. */
const REQUEST: Spec[] = [
  { id: '1', name: 'root', start: 0, end: 100, internal: false },
  { id: '2', parent: '1', name: 'a', start: 10, end: 40 },
  { id: '3', parent: '2', name: 'a.b', start: 15, end: 35 },
  { id: '4', parent: '1', name: 'c', start: 50, end: 90 },
];

function engine(): RollupEngine {
  return new RollupEngine({ serviceName: 'svc', completionWaitMs: 1000 });
}

function selfTimes(document: ReturnType<RollupEngine['summary']>): Record<string, number> {
  return Object.fromEntries(document.spans.map((entry) => [entry.name, entry.self_total_ms]));
}

describe('RollupEngine with a completion wait', () => {
  it('rolls up a trace whose spans arrive in any order only once it is quiet, with the same self times and request', () => {
    const orders = [
      [0, 1, 2, 3],
      [2, 1, 3, 0],
      [3, 0, 2, 1],
    ];
    for (const order of orders) {
      const rollups = engine();
      for (const index of order) rollups.add(node('a1', REQUEST[index]!), T0);
      assert.equal(rollups.summary().spans.length, 0, `nothing rolled up before the wait (${order})`);
      rollups.tick(T0 + 999);
      assert.equal(rollups.summary().spans.length, 0, `still waiting just before the wait ends (${order})`);
      rollups.tick(T0 + 1001);
      const document = rollups.summary();
      assert.deepEqual(
        selfTimes(document),
        { root: 30, a: 10, 'a.b': 20, c: 40 },
        `self times from the tree, whatever the arrival order (${order})`,
      );
      assert.deepEqual(
        document.paths.map((entry) => entry.path),
        ['a', 'a/a.b', 'c', 'root'],
        `paths (${order})`,
      );
      assert.equal(document.requests[0]?.count, 1, `one request (${order})`);
      assert.equal(document.requests[0]!.unattributed_ms.max, 100 - 20 - 40, `unattributed time (${order})`);
      rollups.shutdown();
    }
  });

  it('takes each local root as a request: no parent, a remote parent, a parent never seen, a parent from another source', () => {
    const rollups = engine();
    const spans: Spec[] = [
      { id: '1', name: 'client', start: 0, end: 100, internal: false, source: 1 },
      { id: '2', parent: '1', name: 'server', start: 5, end: 95, internal: false, source: 2 },
      { id: '3', parent: '2', name: 'work', start: 10, end: 20, source: 2 },
      { id: '4', parent: '9', name: 'orphan', start: 0, end: 10, internal: false, source: 3 },
      { id: '5', parent: '8', remote: true, name: 'remote', start: 0, end: 10, internal: false, source: 4 },
    ];
    for (const spec of spans) rollups.add(node('b1', spec), T0);
    rollups.tick(T0 + 2000);
    const document = rollups.summary();
    assert.deepEqual(
      document.requests.map((entry) => [entry.root, entry.count]).sort(),
      [
        ['client', 1],
        ['orphan', 1],
        ['remote', 1],
        ['server', 1],
      ],
      'four local roots, four requests',
    );
    assert.equal(selfTimes(document).client, 100, 'the client span keeps its time: its child is another service');
    assert.equal(selfTimes(document).server, 80, 'the server span is its own root, less its local child');
    rollups.shutdown();
  });

  it('counts a span that arrives after its trace was rolled up as late, under its parent but outside the request', () => {
    const rollups = engine();
    for (const spec of REQUEST.slice(0, 3)) rollups.add(node('c1', spec), T0);
    rollups.tick(T0 + 2000);
    rollups.add(node('c1', REQUEST[3]!), T0 + 2500);
    rollups.tick(T0 + 4000);
    const document = rollups.summary();
    assert.equal(rollups.aggregator.late, 1, 'one late span');
    assert.equal(document.overflow.trace_spans, 1, 'left out of its request, counted');
    assert.ok(
      document.paths.some((entry) => entry.path === 'c'),
      'still rolled up on its path',
    );
    assert.equal(document.requests[0]?.count, 1, 'the request counted once');
    rollups.shutdown();
  });

  it('bounds the traces waiting: beyond maxTraces the oldest is rolled up early, counted', () => {
    const rollups = new RollupEngine({ serviceName: 'svc', completionWaitMs: 60_000, maxTraces: 4 });
    for (let t = 0; t < 10; t++) for (const spec of REQUEST) rollups.add(node(`d${t}`, spec), T0);
    assert.equal(rollups.aggregator.waiting, 4 * REQUEST.length, 'four traces wait');
    const document = rollups.summary();
    assert.equal(document.overflow.traces, 6, 'six rolled up early, counted');
    assert.equal(document.requests[0]?.count, 6, 'each a whole request');
    rollups.completeWaiting();
    assert.equal(rollups.summary().requests[0]?.count, 10, 'the rest once completed by hand');
    rollups.shutdown();
  });
});
