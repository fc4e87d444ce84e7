import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type Collector, startCollector } from '../../src/collect/collector.ts';
import { otlpTypes } from '../../src/collect/otlp-proto.ts';

const LIMIT = 64 * 1024;
const NOW_NS = BigInt(Date.now()) * 1_000_000n;

function span(id: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: Buffer.alloc(16, 7),
    spanId: Buffer.from(id.toString(16).padStart(16, '0'), 'hex'),
    name: 'op',
    kind: 2,
    startTimeUnixNano: NOW_NS.toString(),
    endTimeUnixNano: (NOW_NS + 5_000_000n).toString(),
    ...overrides,
  };
}

function protoBody(spans: Record<string, unknown>[]): Uint8Array {
  const { request } = otlpTypes();
  return request.encode(request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans }] }] })).finish();
}

function post(url: string, body: Uint8Array | string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/v1/traces`, { method: 'POST', headers, body });
}

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('collect OTLP/HTTP answers', () => {
  let collector: Collector;
  before(async () => {
    collector = await startCollector({ port: 0, completionWaitMs: 50, maxBodyBytes: LIMIT, metrics: false });
  });
  after(() => collector.close());

  it('answers a protobuf export 200 with an empty ExportTraceServiceResponse', async () => {
    const response = await post(collector.url, protoBody([span(1)]), PROTO);
    assert.equal(response.status, 200, 'success');
    assert.equal(response.headers.get('content-type'), 'application/x-protobuf', 'in the request encoding');
    const decoded = otlpTypes().response.toObject(
      otlpTypes().response.decode(new Uint8Array(await response.arrayBuffer())),
    );
    assert.deepEqual(decoded, {}, 'no partial_success');
  });

  it('answers partial_success with the rejected count and the first reason, in protobuf and JSON', async () => {
    const response = await post(
      collector.url,
      protoBody([span(2), span(3, { traceId: Buffer.alloc(16) }), span(4, { spanId: Buffer.alloc(3) })]),
      PROTO,
    );
    assert.equal(response.status, 200, 'partial success is a success');
    const { response: type } = otlpTypes();
    const decoded = type.toObject(type.decode(new Uint8Array(await response.arrayBuffer())), { longs: Number }) as {
      partialSuccess: { rejectedSpans: number; errorMessage: string };
    };
    assert.deepEqual(decoded.partialSuccess, { rejectedSpans: 2, errorMessage: 'invalid trace id' }, 'two rejected');
    const json = await post(
      collector.url,
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '0102030405060708090a0b0c0d0e0f10',
                    spanId: '0102030405060708',
                    name: 'ok',
                    startTimeUnixNano: 1,
                    endTimeUnixNano: 2,
                  },
                  { traceId: '01', spanId: '0102030405060708', name: 'bad' },
                ],
              },
            ],
          },
        ],
      }),
      JSON_TYPE,
    );
    assert.equal(json.status, 200, 'JSON partial success');
    assert.deepEqual(
      await json.json(),
      { partialSuccess: { rejectedSpans: '1', errorMessage: 'invalid trace id' } },
      'JSON partial_success, int64 as a string',
    );
  });

  it('takes gzip bodies, and refuses with 400 what does not decode, as a google.rpc.Status', async () => {
    const gzipped = await post(collector.url, gzipSync(protoBody([span(5)])), { ...PROTO, 'content-encoding': 'gzip' });
    assert.equal(gzipped.status, 200, 'gzip accepted');
    const garbage = await post(collector.url, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), PROTO);
    assert.equal(garbage.status, 400, 'undecodable protobuf');
    const status = otlpTypes().status.decode(new Uint8Array(await garbage.arrayBuffer())) as unknown as {
      code: number;
    };
    assert.equal(status.code, 3, 'INVALID_ARGUMENT');
    const badJson = await post(collector.url, '{"resourceSpans": [', JSON_TYPE);
    assert.equal(badJson.status, 400, 'undecodable JSON');
    assert.equal(((await badJson.json()) as { code: number }).code, 3, 'a JSON Status');
    const notGzip = await post(collector.url, 'plain', { ...JSON_TYPE, 'content-encoding': 'gzip' });
    assert.equal(notGzip.status, 400, 'a body that is not gzip');
  });

  it('refuses unknown content types and encodings with 415', async () => {
    assert.equal((await post(collector.url, 'x', { 'content-type': 'text/plain' })).status, 415, 'text/plain');
    assert.equal((await post(collector.url, 'x', { ...PROTO, 'content-encoding': 'br' })).status, 415, 'brotli');
  });

  it('refuses with 413 a body over the limit, before and after decompression, and keeps serving', async () => {
    const big = new Uint8Array(LIMIT + 1);
    assert.equal((await post(collector.url, big, PROTO)).status, 413, 'a body over the limit');
    const bomb = gzipSync(Buffer.alloc(64 * LIMIT));
    assert.ok(bomb.length < LIMIT, 'the bomb itself is small');
    assert.equal(
      (await post(collector.url, bomb, { ...PROTO, 'content-encoding': 'gzip' })).status,
      413,
      'a gzip bomb',
    );
    assert.equal((await post(collector.url, protoBody([span(6)]), PROTO)).status, 200, 'the next export is taken');
  });

  it('serves the read endpoints, 405 for other methods on /v1/traces and 404 elsewhere', async () => {
    assert.equal((await fetch(`${collector.url}/v1/traces`)).status, 405, 'GET /v1/traces');
    assert.equal((await fetch(`${collector.url}/nothing`)).status, 404, 'unknown path');
    const health = (await (await fetch(`${collector.url}/health`)).json()) as {
      status: string;
      refused_exports: number;
    };
    assert.equal(health.status, 'ok', '/health');
    assert.ok(health.refused_exports >= 5, `refused exports counted (${health.refused_exports})`);
    collector.completeWaiting();
    const summary = (await (await fetch(`${collector.url}/v1/span-summary`)).json()) as {
      spans: { name: string; count: number }[];
    };
    assert.ok(
      summary.spans.some((entry) => entry.name === 'op' && entry.count >= 4),
      'the accepted spans rolled up',
    );
  });
});
