import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { startOtlpSink } from '../../bench/otlp-sink.ts';
import {
  busySecondsFromProcStat,
  closedLoad,
  cpuSecondsFromStat,
  mainThreadCpuSeconds,
  processCpuSeconds,
} from '../../bench/service-load.ts';

describe('bench otlp sink', () => {
  it('accepts a real OTLP/HTTP protobuf export and counts it under the sender path', async () => {
    const sink = await startOtlpSink();
    try {
      const exporter = new OTLPTraceExporter({ url: sink.tracesUrl('medium') });
      const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
      const tracer = provider.getTracer('sink-test');
      for (let i = 0; i < 10; i++) tracer.startSpan(`span ${i}`).end();
      await provider.forceFlush();
      await provider.shutdown();
      const counts = await sink.counts();
      assert.equal(counts.medium?.exports, 1, `one export: ${JSON.stringify(counts)}`);
      assert.ok((counts.medium?.bytes ?? 0) > 100, 'the protobuf body arrived');
      assert.equal(counts.fine, undefined, 'nothing under another sender');
      const answer = await fetch(sink.tracesUrl('fine'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array([0x0a, 0x00]),
      });
      assert.equal(answer.status, 200, 'an export succeeds');
      assert.equal((await answer.arrayBuffer()).byteLength, 0, 'with an empty ExportTraceServiceResponse');
    } finally {
      await sink.close();
    }
  });

  it('answers 404 to anything but a traces POST', async () => {
    const sink = await startOtlpSink();
    try {
      assert.equal((await fetch(`${sink.url}/v1/traces`, { method: 'POST', body: 'x' })).status, 404, 'no sender name');
      assert.equal((await fetch(sink.tracesUrl('a'))).status, 404, 'GET on the traces path');
      assert.deepEqual(await sink.counts(), {}, 'nothing counted');
    } finally {
      await sink.close();
    }
  });
});

describe('bench service-load', () => {
  it('reads utime + stime in seconds from a /proc stat line whose name holds spaces and parentheses', () => {
    const stat = '4242 (node (a) b) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 11 0 100 1000 10';
    assert.equal(cpuSecondsFromStat(stat), 3.25, '(250 + 75) ticks at 100 Hz');
    assert.equal(cpuSecondsFromStat('garbage'), undefined, 'unparseable');
  });

  it('sees this process use CPU, and nothing for a process that does not exist', () => {
    const seconds = processCpuSeconds(process.pid);
    if (seconds === undefined) return; // no /proc on this platform
    assert.ok(seconds > 0, `this process has used CPU: ${seconds}`);
    const main = mainThreadCpuSeconds(process.pid);
    assert.ok(
      main !== undefined && main > 0 && main <= seconds + 0.01,
      `the main thread's part: ${main} of ${seconds}`,
    );
    assert.equal(processCpuSeconds(2 ** 30), undefined, 'no such process');
  });

  it('builds one closed scenario with client spans off', () => {
    const options = closedLoad('http://127.0.0.1:1', 16, 32, '1s');
    assert.equal(options.trace, false, 'client spans off');
    assert.deepEqual(
      options.scenarios,
      [
        {
          name: '16x32 1s',
          model: 'closed',
          streams: 16,
          audio: { kind: 'builtin', name: '1s' },
          requests: 32,
          warmup: 0,
        },
      ],
      'scenario',
    );
  });
});

describe('bench machine CPU', () => {
  it('adds user, nice, system, irq and softirq of the aggregate cpu line, not idle, iowait or steal', () => {
    const stat = 'cpu  1000 100 200 5000 300 10 20 999 0 0\ncpu0 500 50 100 2500 150 5 10 0 0 0\n';
    assert.equal(busySecondsFromProcStat(stat), 13.3, '(1000 + 100 + 200 + 10 + 20) ticks at 100 Hz');
    assert.equal(busySecondsFromProcStat('intr 1 2 3'), undefined, 'no cpu line');
  });
});
