import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LoadResults } from '../../src/loadgen/results.ts';
import { type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { otlpEnv, type RunningService, startService } from '../support/service.ts';
import { load } from './helpers.ts';

/** OTLP SpanKind values. */
const KIND_SERVER = 2;
const KIND_CLIENT = 3;

describe('load generator against the service', () => {
  let receiver: Receiver;
  let service: RunningService;
  let dir: string;
  before(async () => {
    receiver = await startReceiver();
    service = await startService([], { ...otlpEnv(receiver.url), OTEL_TRACES_EXPORTER: 'otlp' });
    dir = await mkdtemp(join(tmpdir(), 'loadgen-service-'));
  });
  after(async () => {
    await service.stop();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a scaling efficiency for 4 and 8 streams, and every SERVER span of the run has a load generator CLIENT parent', async () => {
    const out = join(dir, 'load.json');
    // Silence is the service's cheapest clip: the point is the join of the traces, not the engine.
    const exit = await load(
      [
        '--url',
        service.url,
        '--streams',
        '4,8',
        '--requests',
        '8',
        '--audio',
        'silence',
        '--out',
        out,
        '--progress',
        'none',
      ],
      {
        ...otlpEnv(receiver.url),
        OTEL_TRACES_EXPORTER: 'otlp',
      },
    );
    assert.equal(exit.code, 0, `load completed (stderr: ${exit.stderr})`);
    const results = JSON.parse(await readFile(out, 'utf8')) as LoadResults;
    assert.deepEqual(
      results.scenarios.map((s) => s.succeeded),
      [8, 8],
      'every measured request succeeded',
    );
    assert.equal(typeof results.scaling_efficiency, 'number', 'scaling efficiency from the 4- and 8-stream runs');
    assert.ok(results.scaling_efficiency! > 0, 'positive');
    for (const scenario of results.scenarios) {
      const transcribe = scenario.server_stages?.stages.find((s) => s.name === 'transcribe');
      assert.equal(transcribe?.count, 8, `${scenario.name}: the server breakdown covers the measured requests`);
    }

    // Stopping the service flushes its spans; the load CLI flushed its own before exiting.
    await service.stop();
    const spans = await receiver.spans();
    const byId = new Map(spans.map((s) => [`${s.traceId}-${s.spanId}`, s]));
    const servers = spans.filter((s) => s.kind === KIND_SERVER && s.serviceName !== 'amanuensis-loadgen');
    // preflight + warm-ups (4 + 8) + measured (8 + 8)
    assert.ok(servers.length >= 29, `a SERVER span per request, got ${servers.length}`);
    for (const server of servers) {
      const parent = byId.get(`${server.traceId}-${server.parentSpanId}`);
      assert.ok(parent, `SERVER span ${server.name} ${server.spanId} has its parent among the exported spans`);
      assert.equal(parent.kind, KIND_CLIENT, 'the parent is a CLIENT span');
      assert.equal(parent.name, 'loadgen.request', 'made by the load generator');
      assert.equal(parent.serviceName, 'amanuensis-loadgen', 'in the load generator process');
    }
    const traced = new Set(servers.map((s) => s.traceId));
    for (const scenario of results.scenarios) {
      for (const slow of scenario.slowest)
        assert.ok(
          slow.trace_id && traced.has(slow.trace_id),
          'the slowest requests name traces the service took part in',
        );
    }
  });
});
