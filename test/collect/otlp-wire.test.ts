import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { otlpTypes } from '../../src/collect/otlp-proto.ts';
import { spansFromWire } from '../../src/collect/otlp-wire.ts';
import { SourceIds } from '../../src/collect/span-batch.ts';
import { mulberry32 } from '../../src/core/random.ts';

const ROOT_NS = 1_760_000_000_123_456_789n;

/** Random spans as protobufjs objects, with everything the receiver skips filled in too. */
function randomSpans(count: number, random: () => number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const start = ROOT_NS + BigInt(Math.floor(random() * 1e12));
    const hasParent = random() < 0.7;
    return {
      traceId: Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256))),
      spanId: Buffer.from(Array.from({ length: 8 }, (_, b) => (b === 0 ? i + 1 : Math.floor(random() * 256)))),
      parentSpanId: hasParent
        ? Buffer.from(Array.from({ length: 8 }, () => Math.floor(random() * 256)))
        : Buffer.alloc(0),
      traceState: 'vendor=x',
      flags: random() < 0.5 ? 0x301 : 0x101,
      name: `span ${i} ✓`,
      kind: Math.floor(random() * 6),
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(Math.floor(random() * 5e9))).toString(),
      attributes: [
        { key: 'a', value: { stringValue: 'x'.repeat(i) } },
        { key: 'n', value: { kvlistValue: { values: [{ key: 'deep', value: { intValue: -5 } }] } } },
      ],
      events: [{ timeUnixNano: start.toString(), name: 'event' }],
      links: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2) }],
      status: { code: Math.floor(random() * 3), message: 'm' },
    };
  });
}

/** What the receiver should read of a span, from protobufjs's own decoding of the same bytes. */
function expected(span: Record<string, unknown>): Record<string, unknown> {
  const hex = (bytes: unknown): string => Buffer.from(bytes as Uint8Array).toString('hex');
  const ns = (value: unknown): bigint => BigInt(String(value));
  const start = ns(span.startTimeUnixNano);
  const duration = ns(span.endTimeUnixNano) - start;
  const flags = Number(span.flags ?? 0);
  return {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: hex(span.parentSpanId ?? Buffer.alloc(0)),
    localRoot: hex(span.parentSpanId ?? Buffer.alloc(0)) === '' || (flags & 0x300) === 0x300,
    name: span.name,
    internal: Number(span.kind ?? 0) <= 1,
    startMs: Number(start / 1_000_000_000n) * 1e3 + Number(start % 1_000_000_000n) / 1e6,
    durationMs: Number(duration / 1_000_000_000n) * 1e3 + Number(duration % 1_000_000_000n) / 1e6,
    error: Number((span.status as { code?: number } | undefined)?.code ?? 0) === 2,
  };
}

function field(number: number, bytes: Uint8Array): Uint8Array {
  return protobuf.Writer.create()
    .uint32((number << 3) | 2)
    .bytes(bytes)
    .finish();
}

describe('spansFromWire', () => {
  it('reads what protobufjs decodes from the official definitions, span for span, skipping the rest', () => {
    const random = mulberry32(5);
    const { request } = otlpTypes();
    for (let round = 0; round < 20; round++) {
      const spans = randomSpans(1 + Math.floor(random() * 40), random);
      const body = Buffer.from(
        request
          .encode(
            request.fromObject({
              resourceSpans: [
                {
                  resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
                  scopeSpans: [{ scope: { name: 'lib', version: '1' }, spans, schemaUrl: 'https://x' }],
                },
              ],
            }),
          )
          .finish(),
      );
      const decoded = request.toObject(request.decode(body), { longs: String }) as {
        resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
      };
      const batch = spansFromWire(body, new SourceIds());
      assert.equal(batch.rejected, 0, 'nothing rejected');
      assert.deepEqual(
        batch.nodes.map((node) => ({
          traceId: node.traceId,
          spanId: node.spanId,
          parentSpanId: node.parentSpanId,
          localRoot: node.localRoot,
          name: node.name,
          internal: node.internal,
          startMs: node.startMs,
          durationMs: node.durationMs,
          error: node.error,
        })),
        decoded.resourceSpans[0]!.scopeSpans[0]!.spans.map(expected),
        `round ${round}`,
      );
    }
  });

  it('finds a resource written after its spans, and tells resources apart', () => {
    const { request } = otlpTypes();
    const resource = request.lookupType('opentelemetry.proto.resource.v1.Resource');
    const scopeSpans = request.lookupType('opentelemetry.proto.trace.v1.ScopeSpans');
    const resourceSpans = (name: string): Uint8Array => {
      const scope = scopeSpans.encode(scopeSpans.fromObject({ spans: randomSpans(2, mulberry32(9)) })).finish();
      const described = resource
        .encode(resource.fromObject({ attributes: [{ key: 'service.name', value: { stringValue: name } }] }))
        .finish();
      // scope_spans (2) before resource (1), as the wire allows.
      return Buffer.concat([field(2, scope), field(1, described)]);
    };
    const body = Buffer.concat([field(1, resourceSpans('a')), field(1, resourceSpans('b'))]);
    const batch = spansFromWire(body, new SourceIds());
    assert.deepEqual(
      batch.nodes.map((node) => node.source),
      [1, 1, 2, 2],
      'two resources, found after their spans',
    );
  });

  it('throws on a wire type that does not match a field it reads, and on lengths past the message', () => {
    assert.throws(
      () => spansFromWire(Buffer.from([0x08, 0x01]), new SourceIds()),
      /resource_spans/,
      'varint for a message',
    );
    assert.throws(
      () => spansFromWire(Buffer.from([0x0a, 0x05, 0x12, 0x10, 0x00]), new SourceIds()),
      RangeError,
      'a length past its message',
    );
  });
});
