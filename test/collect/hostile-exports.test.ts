/**
 * Hostile and malformed exports never take `collect` down: fuzzed protobuf and JSON bodies, huge
 * declared lengths, deep nesting, gzip bombs, over HTTP and gRPC. Each is answered alone (200,
 * partial success or 400/413), and the receiver serves a good export afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Client, credentials, type ServiceError, status } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { type Collector, startCollector } from '../../src/collect/collector.ts';
import { otlpTypes } from '../../src/collect/otlp-proto.ts';
import { mulberry32 } from '../../src/core/random.ts';

const LIMIT = 256 * 1024;
const NOW_NS = BigInt(Date.now()) * 1_000_000n;

/** A valid export of `n` spans with attributes, as a fuzzing seed. */
function validExport(n: number): Uint8Array {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: Buffer.alloc(16, 1 + (i % 3)),
    spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
    parentSpanId: i % 3 === 0 ? Buffer.alloc(0) : Buffer.from(i.toString(16).padStart(16, '0'), 'hex'),
    name: `op${i % 4}`,
    kind: 1 + (i % 3),
    startTimeUnixNano: (NOW_NS + BigInt(i) * 1000n).toString(),
    endTimeUnixNano: (NOW_NS + BigInt(i) * 1000n + 500_000n).toString(),
    attributes: [{ key: 'k', value: { stringValue: 'v'.repeat(i % 20) } }],
    status: { code: i % 5 === 0 ? 2 : 0 },
  }));
  const { request } = otlpTypes();
  return request
    .encode(
      request.fromObject({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
            scopeSpans: [{ spans }],
          },
        ],
      }),
    )
    .finish();
}

/** `seed` with a few bytes flipped, cut or inserted. */
function mutate(seed: Uint8Array, random: () => number): Uint8Array {
  const bytes = Array.from(seed);
  const edits = 1 + Math.floor(random() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * bytes.length);
    const kind = random();
    if (kind < 0.5) bytes[at] = Math.floor(random() * 256);
    else if (kind < 0.7) bytes.splice(at, 1 + Math.floor(random() * 16));
    else if (kind < 0.9) bytes.splice(at, 0, ...Array.from({ length: 4 }, () => Math.floor(random() * 256)));
    else bytes.length = at;
  }
  return Uint8Array.from(bytes);
}

function varint(value: number, into: number[]): void {
  let rest = value;
  while (rest >= 0x80) {
    into.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  into.push(rest);
}

function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
}

/** An export whose one span has an attribute value nested `depth` times (a kvlist in a kvlist),
 *  written in one pass: the sizes inside out, then the bytes outside in. */
function deeplyNested(depth: number): Uint8Array {
  const leaf = [0x0a, 0x04, ...Buffer.from('leaf')];
  const sizes: [number, number, number][] = [];
  let inner = leaf.length;
  for (let i = 0; i < depth; i++) {
    const keyValue = 3 + 1 + varintLength(inner) + inner;
    const list = 1 + varintLength(keyValue) + keyValue;
    sizes.push([list, keyValue, inner]);
    inner = 1 + varintLength(list) + list;
  }
  const value: number[] = [];
  for (let i = depth - 1; i >= 0; i--) {
    const [list, keyValue, innerSize] = sizes[i]!;
    value.push(0x32);
    varint(list, value);
    value.push(0x0a);
    varint(keyValue, value);
    value.push(0x0a, 0x01, 0x6b, 0x12);
    varint(innerSize, value);
  }
  value.push(...leaf);
  const attribute = protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .string('deep')
    .uint32((2 << 3) | 2)
    .bytes(Uint8Array.from(value))
    .finish();
  const span = protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .bytes(Buffer.alloc(16, 9))
    .uint32((2 << 3) | 2)
    .bytes(Buffer.alloc(8, 9))
    .uint32((9 << 3) | 2)
    .bytes(attribute)
    .finish();
  const scopeSpans = protobuf.Writer.create()
    .uint32((2 << 3) | 2)
    .bytes(span)
    .finish();
  const resourceSpans = protobuf.Writer.create()
    .uint32((2 << 3) | 2)
    .bytes(scopeSpans)
    .finish();
  return protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .bytes(resourceSpans)
    .finish();
}

function post(url: string, body: Uint8Array | string, headers: Record<string, string>): Promise<number> {
  return fetch(`${url}/v1/traces`, { method: 'POST', headers, body }).then(async (response) => {
    await response.arrayBuffer();
    return response.status;
  });
}

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

function grpcExport(client: Client, body: Buffer): Promise<ServiceError | null> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      body,
      (error) => resolve(error),
    );
  });
}

describe('collect under hostile exports', () => {
  let collector: Collector;
  let client: Client;
  before(async () => {
    collector = await startCollector({
      port: 0,
      grpcPort: 0,
      completionWaitMs: 50,
      maxBodyBytes: LIMIT,
      metrics: false,
    });
    client = new Client(collector.grpcUrl!.replace('http://', ''), credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await collector.close();
  });

  it('answers 300 fuzzed protobuf bodies with 200 or 400, never anything else', async () => {
    const random = mulberry32(17);
    const seed = validExport(20);
    const seen = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const answer = await post(collector.url, mutate(seed, random), PROTO);
      seen.set(answer, (seen.get(answer) ?? 0) + 1);
    }
    assert.deepEqual(
      [...seen.keys()].filter((answer) => answer !== 200 && answer !== 400),
      [],
      `only 200 and 400 (${JSON.stringify([...seen])})`,
    );
    assert.ok((seen.get(400) ?? 0) > 0, 'some fuzzed bodies do not decode');
  });

  it('answers 200 fuzzed JSON bodies with 200 or 400', async () => {
    const random = mulberry32(23);
    const seed = Buffer.from(
      JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5B8EFFF798038103D269B633813FC60C',
                    spanId: 'EEE19B7EC3C1B174',
                    name: 'x',
                    startTimeUnixNano: '1544712660000000000',
                    endTimeUnixNano: 1544712661000000000,
                    status: { code: 2 },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    for (let i = 0; i < 200; i++) {
      const answer = await post(collector.url, mutate(seed, random), JSON_TYPE);
      assert.ok(answer === 200 || answer === 400, `a fuzzed JSON body: ${answer}`);
    }
    for (const body of [
      'null',
      '[]',
      '"x"',
      '{"resourceSpans": 5}',
      '{"resourceSpans": [{"scopeSpans": [{"spans": [7, null]}]}]}',
    ])
      assert.ok([200, 400].includes(await post(collector.url, body, JSON_TYPE)), `shape ${body}`);
    assert.equal(await post(collector.url, '['.repeat(100_000), JSON_TYPE), 400, 'deep JSON nesting');
  });

  it('refuses huge declared lengths, deep nesting and bombs without holding them', async () => {
    const huge = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x01, 0x02]);
    assert.equal(await post(collector.url, huge, PROTO), 400, 'a length of 2 GiB declared in 8 bytes');
    const deep = deeplyNested(10_000);
    assert.ok(deep.length < LIMIT, `the nesting fits the limit (${deep.length} bytes)`);
    assert.ok([200, 400].includes(await post(collector.url, deep, PROTO)), 'nesting 10 000 deep');
    const bomb = gzipSync(Buffer.alloc(64 * LIMIT));
    assert.equal(await post(collector.url, bomb, { ...PROTO, 'content-encoding': 'gzip' }), 413, 'a gzip bomb');
  });

  it('answers gRPC exports that do not decode or are too large with their codes, and takes a good one', async () => {
    const garbage = await grpcExport(client, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    assert.equal(garbage?.code, status.INVALID_ARGUMENT, 'undecodable: INVALID_ARGUMENT');
    const big = await grpcExport(client, Buffer.alloc(LIMIT + 1));
    assert.equal(big?.code, status.RESOURCE_EXHAUSTED, 'over the limit: RESOURCE_EXHAUSTED');
    assert.equal(await grpcExport(client, Buffer.from(validExport(3))), null, 'a good export succeeds');
  });

  it('still takes a good export and serves its health afterwards', async () => {
    assert.equal(await post(collector.url, validExport(5), PROTO), 200, 'a good export');
    const health = (await (await fetch(`${collector.url}/health`)).json()) as {
      status: string;
      refused_exports: number;
    };
    assert.equal(health.status, 'ok', 'healthy');
    assert.ok(health.refused_exports > 0, 'the refusals counted');
  });
});
