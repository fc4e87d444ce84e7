import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { mergeSummaries } from '../../src/rollup/merge.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { ResourceMeter } from '../../src/telemetry/resource-meter.ts';
import { checkSchema } from './json-schema.ts';
import { requestSpec, testTracer } from './spans.ts';

const schema = JSON.parse(
  await readFile(new URL('../../docs/span-summary.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function documents() {
  const pool = new ResourceMeter('worker_pool', 2);
  pool.acquire();
  const processor = new RollupSpanProcessor({ serviceName: 'svc', warmupSpans: 2, resources: [pool] });
  const { tree } = testTracer([processor]);
  for (let i = 0; i < 80; i++) tree({ ...requestSpec(1 + (i % 9) / 10), children: requestSpec().children }, i * 1000);
  const interval = processor.rotate();
  tree(requestSpec(), 1e6);
  const cumulative = processor.summary();
  return { cumulative, interval, merged: mergeSummaries([cumulative, interval]) };
}

describe('docs/span-summary.schema.json', () => {
  it('describes real documents: cumulative, interval and merged, with requests and resources', () => {
    for (const [kind, document] of Object.entries(documents())) {
      assert.ok(
        document.requests.length > 0 && document.requests[0]!.slowest.length > 0,
        `${kind} document has request attribution`,
      );
      assert.equal(document.resources.length, 1, `${kind} document has the resource`);
      assert.deepEqual(
        checkSchema(schema, JSON.parse(JSON.stringify(document))),
        [],
        `${kind} document matches the schema`,
      );
    }
  });

  it('catches documents that break it', () => {
    const { cumulative } = documents();
    // biome-ignore lint/suspicious/noExplicitAny: the test breaks the document's shape on purpose
    const broken = JSON.parse(JSON.stringify(cumulative)) as Record<string, any>;
    delete broken.spans[0].p99_ms;
    broken.paths[0].exemplars[0].trace_id = 'XYZ';
    broken.schema_version = 2;
    broken.window.start = 'yesterday';
    broken.requests[0].slowest[0].spans[0].span_id = 'root';
    delete broken.resources[0].utilization;
    const errors = checkSchema(schema, broken);
    assert.ok(
      errors.some((e) => e.includes('missing p99_ms')),
      `missing field found: ${errors.join('; ')}`,
    );
    assert.ok(
      errors.some((e) => e.includes('trace_id') && e.includes('does not match')),
      'bad trace id found',
    );
    assert.ok(
      errors.some((e) => e.startsWith('$.schema_version')),
      'wrong version found',
    );
    assert.ok(
      errors.some((e) => e.includes('window.start') && e.includes('date-time')),
      'bad time found',
    );
    assert.ok(
      errors.some((e) => e.includes('requests[0].slowest[0].spans[0].span_id')),
      'bad kept span id found',
    );
    assert.ok(
      errors.some((e) => e.includes('resources[0]') && e.includes('missing utilization')),
      'missing utilization found',
    );
  });
});
