import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { mergeSummaries, SummaryMergeError } from '../../src/rollup/merge.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { EXACT_CAPACITY } from '../../src/rollup/sketch.ts';
import { parseSummary, SummaryFormatError } from '../../src/rollup/validate.ts';
import { heavyTailed } from './fixtures.ts';
import { requestSpec, testTracer } from './spans.ts';

const QUANTILES = ['p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'p999_ms'] as const;

/** A document from a real processor that saw `requests` request trees with heavy-tailed scale. */
function documentOf(requests: number, seed: number, options: { relativeAccuracy?: number } = {}): SpanSummaryDocument {
  const processor = new RollupSpanProcessor({
    serviceName: 'svc',
    ...(options.relativeAccuracy ? { sketch: { relativeAccuracy: options.relativeAccuracy } } : {}),
  });
  const { tree } = testTracer([processor]);
  heavyTailed(requests, seed).forEach((scale, i) => {
    tree(requestSpec(Math.round(scale * 100) / 1000), i * 100_000);
  });
  return JSON.parse(JSON.stringify(processor.summary())) as SpanSummaryDocument;
}

function mergeError(run: () => unknown): SummaryMergeError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SummaryMergeError, `a SummaryMergeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the merge to fail');
}

describe('mergeSummaries', () => {
  it('doubles counts of two copies without moving any quantile', () => {
    for (const requests of [24, 500]) {
      const document = documentOf(requests, 3);
      const merged = mergeSummaries([document, structuredClone(document)]);
      for (const entry of document.spans) {
        const both = merged.spans.find((s) => s.name === entry.name)!;
        assert.equal(both.count, 2 * entry.count, `${entry.name} count doubles (${requests} requests)`);
        assert.equal(both.errors, 2 * entry.errors, `${entry.name} errors double`);
        for (const q of QUANTILES) {
          if (entry.count <= EXACT_CAPACITY && both.count > EXACT_CAPACITY) {
            // The copy left exact mode: the quantile is now an estimate within the sketch's accuracy.
            assert.ok(
              Math.abs(both[q] - entry[q]) <= 0.01 * entry[q] + 1e-9,
              `${entry.name} ${q} within 1% (${requests} requests)`,
            );
          } else {
            assert.equal(both[q], entry[q], `${entry.name} ${q} unchanged (${requests} requests)`);
          }
        }
        assert.equal(both.min_ms, entry.min_ms, 'min unchanged');
        assert.equal(both.max_ms, entry.max_ms, 'max unchanged');
        assert.ok(Math.abs(both.mean_ms - entry.mean_ms) <= 1e-9 * entry.mean_ms, 'mean unchanged');
        assert.ok(
          Math.abs(both.stddev_ms - entry.stddev_ms * Math.sqrt((2 * entry.count - 2) / (2 * entry.count - 1))) <=
            1e-9 * entry.stddev_ms + 1e-12,
          'sample stddev of duplicated data',
        );
        assert.equal(new Set(both.exemplars.map((e) => e.span_id)).size, both.exemplars.length, 'no exemplar twice');
      }
      assert.equal(merged.paths.length, document.paths.length, 'same paths');
      assert.equal(merged.window.kind, 'merged', 'window kind says merged');
    }
  });

  it('equals one processor that saw every span', () => {
    const whole = new RollupSpanProcessor({ serviceName: 'svc' });
    const left = new RollupSpanProcessor({ serviceName: 'svc' });
    const right = new RollupSpanProcessor({ serviceName: 'svc' });
    const all = testTracer([whole]);
    const a = testTracer([left]);
    const b = testTracer([right]);
    heavyTailed(400, 5).forEach((scale, i) => {
      const spec = requestSpec(Math.round(scale * 100) / 1000);
      all.tree(spec, i * 100_000);
      (i % 3 === 0 ? a : b).tree(spec, i * 100_000);
    });
    const expected = whole.summary();
    const merged = mergeSummaries([left.summary(), right.summary()]);
    for (const entry of expected.spans) {
      const got = merged.spans.find((s) => s.name === entry.name)!;
      assert.equal(got.count, entry.count, `${entry.name} count`);
      for (const q of QUANTILES) assert.equal(got[q], entry[q], `${entry.name} ${q} as if one process saw all`);
      assert.deepEqual(got.sketch.counts, entry.sketch.counts, `${entry.name} sketch buckets`);
      assert.deepEqual(
        got.exemplars.map((e) => e.duration_ms),
        entry.exemplars.map((e) => e.duration_ms),
        `${entry.name} exemplars are the slowest overall`,
      );
      assert.ok(Math.abs(got.stddev_ms - entry.stddev_ms) <= 1e-9 * entry.stddev_ms, `${entry.name} stddev (Chan)`);
      assert.ok(
        Math.abs(got.self_total_ms - entry.self_total_ms) <= 1e-9 * entry.self_total_ms,
        `${entry.name} self time`,
      );
    }
    for (const entry of expected.paths) {
      const got = merged.paths.find((p) => p.path === entry.path)!;
      assert.ok(
        Math.abs(got.start_offset_mean_ms - entry.start_offset_mean_ms) <= 1e-9 * (entry.start_offset_mean_ms + 1),
        `${entry.path} start offset`,
      );
    }
  });

  it('names the input that is wrong', () => {
    const good = documentOf(10, 1);
    assert.equal(mergeError(() => mergeSummaries([])).index, -1, "empty list is the list's fault");
    const future = mergeError(() => mergeSummaries([good, { ...good, schema_version: 2 }]));
    assert.equal(future.index, 1, 'the second input has the wrong schema version');
    assert.match(future.message, /schema_version 2/, 'message names the version');
    const coarse = documentOf(10, 1, { relativeAccuracy: 0.02 });
    const incompatible = mergeError(() => mergeSummaries([good, good, coarse]));
    assert.equal(incompatible.index, 2, 'the third input has other sketch parameters');
    assert.match(incompatible.message, /incompatible sketch parameters/, 'message says why');
    const broken = structuredClone(good);
    broken.spans[0]!.count += 1;
    assert.match(
      mergeError(() => mergeSummaries([broken])).message,
      /disagrees with its sketch/,
      'count and sketch must agree',
    );
    assert.match(mergeError(() => mergeSummaries([{ spans: [] }])).message, /schema_version/, 'not a summary');
  });
});

describe('parseSummary', () => {
  it('accepts a real document and rejects truncated or non-JSON text', () => {
    const text = JSON.stringify(documentOf(5, 2));
    assert.equal(parseSummary(text).schema_version, 1, 'a real document parses');
    assert.throws(() => parseSummary(text.slice(0, text.length / 2)), SummaryFormatError, 'truncated JSON');
    assert.throws(() => parseSummary('hello'), /not valid JSON/, 'not JSON');
    assert.throws(() => parseSummary(''), /empty/, 'empty file');
    assert.throws(() => parseSummary('[]'), /document must be an object/, 'wrong top-level type');
    const missing = JSON.parse(text) as Record<string, unknown>;
    delete missing.dropped_spans;
    assert.throws(() => parseSummary(JSON.stringify(missing)), /dropped_spans/, 'a missing field is named');
  });
});
