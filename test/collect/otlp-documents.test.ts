import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Collector, startCollector } from '../../src/collect/collector.ts';

/** The specification's example document, as the exporters write it (test/collect/fixtures/README.md). */
const EXAMPLE = JSON.parse(await readFile(new URL('./fixtures/otlp-trace-example.json', import.meta.url), 'utf8')) as {
  resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
};

/** The example with its one span changed by `change`. */
function variant(change: (span: Record<string, unknown>) => void): string {
  const copy = structuredClone(EXAMPLE);
  change(copy.resourceSpans[0]!.scopeSpans[0]!.spans[0]!);
  return JSON.stringify(copy);
}

const VARIANTS: [string, string][] = [
  ['as the specification writes it: upper-case hex, times as strings', JSON.stringify(EXAMPLE)],
  [
    'with lower-case hex ids',
    variant((span) => {
      for (const key of ['traceId', 'spanId', 'parentSpanId']) span[key] = (span[key] as string).toLowerCase();
    }),
  ],
  [
    'with times as numbers',
    variant((span) => {
      span.startTimeUnixNano = 1544712660000000000;
      span.endTimeUnixNano = 1544712661000000000;
    }),
  ],
  [
    'with snake_case fields and the enum by name',
    variant((span) => {
      span.trace_id = span.traceId;
      span.span_id = span.spanId;
      span.parent_span_id = span.parentSpanId;
      span.start_time_unix_nano = span.startTimeUnixNano;
      span.end_time_unix_nano = span.endTimeUnixNano;
      for (const key of ['traceId', 'spanId', 'parentSpanId', 'startTimeUnixNano', 'endTimeUnixNano']) delete span[key];
      span.kind = 'SPAN_KIND_SERVER';
    }),
  ],
];

describe('collect with the OTLP specification example documents', () => {
  // A collector each: the variants share one trace id, which a collector takes as a trace it has
  // rolled up already.
  let collector: Collector;
  beforeEach(async () => {
    collector = await startCollector({ port: 0, completionWaitMs: 60_000, metrics: false });
  });
  afterEach(() => collector.close());

  for (const [what, body] of VARIANTS) {
    it(`rolls up the example ${what}: one request of 1000 ms, its parent elsewhere`, async () => {
      const response = await fetch(`${collector.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(response.status, 200, 'accepted');
      assert.deepEqual(await response.json(), {}, 'no span rejected');
      collector.completeWaiting();
      const document = collector.summary();
      assert.deepEqual(
        document.spans.map((entry) => [entry.name, entry.count, entry.min_ms, entry.max_ms, entry.self_total_ms]),
        [["I'm a server span", 1, 1000, 1000, 1000]],
        'the span, exactly 1 s',
      );
      const [request] = document.requests;
      assert.equal(request?.root, "I'm a server span", 'a local root: its parent never arrives');
      assert.equal(request.slowest[0]?.trace_id, '5b8efff798038103d269b633813fc60c', 'ids in lower-case hex');
      assert.equal(request.slowest[0]?.spans[0]?.span_id, 'eee19b7ec3c1b174', 'span id too');
    });
  }
});
