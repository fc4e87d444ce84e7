import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { mergeSummaries } from '../../src/rollup/merge.ts';
import { checkSchema } from './json-schema.ts';
import { requestSpec, testTracer } from './spans.ts';

const schema = JSON.parse(await readFile(new URL('../../docs/span-summary.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function documents() {
  const processor = new RollupSpanProcessor({ serviceName: 'svc', warmupSpans: 2 });
  const { tree } = testTracer([processor]);
  for (let i = 0; i < 80; i++) tree({ ...requestSpec(1 + (i % 9) / 10), children: requestSpec().children }, i * 1000);
  const interval = processor.rotate();
  tree(requestSpec(), 1e6);
  const cumulative = processor.summary();
  return { cumulative, interval, merged: mergeSummaries([cumulative, interval]) };
}

describe('docs/span-summary.schema.json', () => {
  it('describes real documents: cumulative, interval and merged', () => {
    for (const [kind, document] of Object.entries(documents())) {
      assert.deepEqual(checkSchema(schema, JSON.parse(JSON.stringify(document))), [], `${kind} document matches the schema`);
    }
  });

  it('catches documents that break it', () => {
    const { cumulative } = documents();
    const broken = JSON.parse(JSON.stringify(cumulative)) as Record<string, any>;
    delete broken.spans[0].p99_ms;
    broken.paths[0].exemplars[0].trace_id = 'XYZ';
    broken.schema_version = 2;
    broken.window.start = 'yesterday';
    const errors = checkSchema(schema, broken);
    assert.ok(errors.some((e) => e.includes('missing p99_ms')), `missing field found: ${errors.join('; ')}`);
    assert.ok(errors.some((e) => e.includes('trace_id') && e.includes('does not match')), 'bad trace id found');
    assert.ok(errors.some((e) => e.startsWith('$.schema_version')), 'wrong version found');
    assert.ok(errors.some((e) => e.includes('window.start') && e.includes('date-time')), 'bad time found');
  });
});
