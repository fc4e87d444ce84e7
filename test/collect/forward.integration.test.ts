/**
 * `collect --forward`: accepted exports go on unchanged to a real OTLP/HTTP receiver in another
 * process (protobuf, JSON and gRPC-received ones), byte for byte with their content type and
 * encoding; a full queue drops exports and a refusing endpoint fails them, both counted.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Client, credentials } from '@grpc/grpc-js';
import { startCollector } from '../../src/collect/collector.ts';
import { otlpTypes } from '../../src/collect/otlp-proto.ts';
import { startReceiver } from '../support/otlp-receiver.ts';
import { waitUntil } from '../support/wait.ts';

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
let nextTrace = 1;

/** A protobuf export of one trace of `spans` spans. */
function protoExport(spans: number): Buffer {
  const trace = Buffer.alloc(16, 0);
  trace.writeUInt32BE(nextTrace++, 12);
  const { request } = otlpTypes();
  const list = Array.from({ length: spans }, (_, i) => ({
    traceId: trace,
    spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
    name: `op${i}`,
    kind: 2,
    startTimeUnixNano: NOW_NS.toString(),
    endTimeUnixNano: (NOW_NS + 1_000_000n).toString(),
  }));
  return Buffer.from(
    request.encode(request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: list }] }] })).finish(),
  );
}

/** The same as OTLP/JSON. */
function jsonExport(spans: number): string {
  const number = nextTrace++;
  const trace = number.toString(16).padStart(32, '0');
  return JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: trace,
              spanId: (i + 1).toString(16).padStart(16, '0'),
              name: `op${i}`,
              kind: 2,
              startTimeUnixNano: NOW_NS.toString(),
              endTimeUnixNano: (NOW_NS + 1_000_000n).toString(),
            })),
          },
        ],
      },
    ],
  });
}

async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

function grpcExport(url: string, body: Buffer): Promise<void> {
  const client = new Client(url.replace('http://', ''), credentials.createInsecure());
  return new Promise<void>((resolve, reject) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      body,
      (error) => {
        client.close();
        if (error) reject(error);
        else resolve();
      },
    );
  });
}

/** A local endpoint that records what reaches it; `hold` keeps every request unanswered. */
async function capture(hold: boolean): Promise<{
  url: string;
  received: { path: string; headers: IncomingMessage['headers']; body: Buffer }[];
  held: ServerResponse[];
  server: Server;
}> {
  const received: { path: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  const held: ServerResponse[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
    if (hold) held.push(response);
    else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, held, server };
}

describe('collect --forward', () => {
  it('passes protobuf, JSON and gRPC exports on to a receiver in another process, every span', async () => {
    const receiver = await startReceiver();
    const collector = await startCollector({ port: 0, grpcPort: 0, metrics: false, forward: receiver.url });
    try {
      for (let i = 0; i < 5; i++)
        assert.equal(
          await post(collector.url, protoExport(4), { 'content-type': 'application/x-protobuf' }),
          200,
          'proto',
        );
      for (let i = 0; i < 3; i++)
        assert.equal(await post(collector.url, jsonExport(2), { 'content-type': 'application/json' }), 200, 'JSON');
      await grpcExport(collector.grpcUrl!, protoExport(3));
      const spans = await receiver.waitForSpans((list) => list.length >= 5 * 4 + 3 * 2 + 3);
      assert.equal(spans.length, 29, 'every span forwarded, once');
      assert.deepEqual(await receiver.counts(), { protobuf: 6, json: 3, rejected: 0 }, 'each in its own encoding');
      await waitUntil('the forwarder to count every send', () => collector.health().forward, {
        until: (forward) => forward?.sent === 9,
      });
      assert.deepEqual(
        [collector.health().forward?.dropped_exports, collector.health().forward?.failed_exports],
        [0, 0],
        'nothing dropped or failed',
      );
    } finally {
      await collector.close();
      await receiver.close();
    }
  });

  it('forwards the bytes unchanged, with their content type and encoding, to the path given', async () => {
    const endpoint = await capture(false);
    const collector = await startCollector({ port: 0, metrics: false, forward: `${endpoint.url}/otlp/v1/traces` });
    try {
      const gzipped = gzipSync(protoExport(2));
      await post(collector.url, gzipped, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
      const json = jsonExport(1);
      await post(collector.url, json, { 'content-type': 'application/json; charset=utf-8' });
      await waitUntil('both exports forwarded', () => endpoint.received.length === 2);
      const [first, second] = endpoint.received;
      assert.equal(first?.path, '/otlp/v1/traces', 'the path given');
      assert.ok(first.body.equals(gzipped), 'the gzip body byte for byte');
      assert.equal(first.headers['content-encoding'], 'gzip', 'its encoding');
      assert.equal(second?.body.toString(), json, 'the JSON body as sent');
      assert.equal(second.headers['content-type'], 'application/json; charset=utf-8', 'its content type as sent');
    } finally {
      await collector.close();
      endpoint.server.close();
    }
  });

  it('drops exports beyond its queue and fails those the endpoint refuses, counting their spans', async () => {
    const endpoint = await capture(true);
    const collector = await startCollector({ port: 0, metrics: false, forward: endpoint.url, forwardQueue: 2 });
    try {
      for (let i = 0; i < 10; i++)
        assert.equal(
          await post(collector.url, protoExport(3), { 'content-type': 'application/x-protobuf' }),
          200,
          'the receiver answers whatever the forward does',
        );
      await waitUntil('four sends in flight', () => endpoint.held.length === 4);
      const forward = collector.health().forward!;
      assert.deepEqual(
        [forward.queued, forward.dropped_exports, forward.dropped_spans],
        [2, 4, 12],
        'four in flight, two queued, four dropped with their twelve spans',
      );
      for (const response of endpoint.held.splice(0)) response.writeHead(400).end();
      await waitUntil(
        'the refused ones failed, the queued ones sent and refused too',
        () => collector.health().forward,
        {
          until: (state) => state?.failed_exports === 4 && endpoint.held.length === 2,
        },
      );
      for (const response of endpoint.held.splice(0)) response.writeHead(400).end();
      await waitUntil('all six failed', () => collector.health().forward?.failed_spans === 18);
    } finally {
      await collector.close();
      endpoint.server.close();
    }
  });

  it('retries an endpoint that answers 503, then counts the export as failed', async () => {
    const receiver = await startReceiver({ fail: true });
    const collector = await startCollector({ port: 0, metrics: false, forward: receiver.url });
    try {
      await post(collector.url, protoExport(2), { 'content-type': 'application/x-protobuf' });
      await waitUntil('the export failed after its retries', () => collector.health().forward?.failed_exports === 1);
      assert.equal((await receiver.counts()).rejected, 3, 'one send and two retries');
    } finally {
      await collector.close();
      await receiver.close();
    }
  });
});
