import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../../src/core/command-errors.ts';
import { reportRuns } from '../../src/report/report-runs.ts';
import { resultKind } from '../../src/report/result-files.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { requestSpec, testTracer } from '../rollup/spans.ts';
import { loadResults, scenario } from './documents.ts';

/** A real summary of `requests` requests, so merging has sketches to add. */
function summaryOf(requests: number, offset = 0) {
  const processor = new RollupSpanProcessor({ serviceName: 'amanuensis' });
  const { tree } = testTracer([processor]);
  for (let i = 0; i < requests; i++) tree(requestSpec(1 + (i + offset) / 7), (i + offset) * 10_000);
  return processor.summary();
}

describe('reportRuns', () => {
  let dir: string;
  const path = (name: string): string => join(dir, name);
  const write = (name: string, value: unknown): Promise<void> => writeFile(path(name), JSON.stringify(value));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-runs-'));
    await mkdir(path('run-a'));
    await write('run-a/span-summary.json', summaryOf(4));
    await write('run-a/load-results.json', loadResults([scenario('4x8 1s', 4)]));
    await write('run-a/span-summary-matmul.json', summaryOf(3));
    await write('run-a/load-results-matmul.json', loadResults([scenario('4x8 1s', 4)]));
    await mkdir(path('external'));
    await write('external/load-results.json', loadResults([scenario('4x8 1s', 4)]));
    await mkdir(path('empty'));
    // Names that say nothing: the content decides.
    await write('first.json', loadResults([scenario('4x8 1s', 4)]));
    await write('second.json', loadResults([scenario('8x16 1s', 8)]));
    await write('replica-1.data', summaryOf(5));
    await write('replica-2.data', summaryOf(6, 5));
    await write('other.json', { schema_version: 1, hello: [] });
    await writeFile(path('broken.json'), '{"schema_version": 1, "spans": [');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('tells the documents apart by their content', () => {
    assert.equal(resultKind(summaryOf(1)), 'summary', 'a span summary');
    assert.equal(resultKind(loadResults([])), 'load', 'load results');
    assert.equal(resultKind({ schema_version: 2, scenarios: [], target: 'x' }), undefined, 'another schema version');
    assert.equal(resultKind([]), undefined, 'not an object');
  });

  it('reads a run folder as its runs, the --compare-offload twin after the main one', async () => {
    const runs = await reportRuns([path('run-a')]);
    assert.deepEqual(
      runs.map((r) => [r.label, r.summary !== undefined, r.load !== undefined]),
      [
        ['run-a', true, true],
        ['run-a matmul', true, true],
      ],
      'two complete runs named by the folder',
    );
  });

  it('shows several load results side by side, and merges span summaries into the one run without', async () => {
    const runs = await reportRuns([path('first.json'), path('replica-1.data'), path('replica-2.data')]);
    assert.equal(runs.length, 1, 'one run: the load results with the merged summary');
    assert.equal(runs[0]!.label, 'first', 'named by the load results file');
    const roots = runs[0]!.summary?.spans.find((s) => s.name === 'transcribe');
    assert.equal(roots?.count, 11, 'the summaries merged: 5 + 6 requests');

    const two = await reportRuns([path('first.json'), path('second.json'), path('replica-1.data')]);
    assert.deepEqual(
      two.map((r) => [r.label, r.summary !== undefined, r.load !== undefined]),
      [
        ['first', false, true],
        ['second', false, true],
        ['replica-1.data', true, false],
      ],
      'two load results side by side; with two candidates the summary is a run of its own',
    );
  });

  it('gives a folder that has load results only the span summaries given beside it', async () => {
    const runs = await reportRuns([path('external'), path('replica-1.data')]);
    assert.deepEqual(
      runs.map((r) => [r.label, r.summary !== undefined, r.load !== undefined]),
      [['external', true, true]],
      'the folder run completed by the loose summary',
    );
    const alone = await reportRuns([path('replica-1.data'), path('replica-2.data')]);
    assert.deepEqual(
      alone.map((r) => [r.label, r.load === undefined]),
      [['2 span summaries merged', true]],
      'summaries alone are one run',
    );
  });

  it('refuses, as bad usage naming the file, what it cannot read', async () => {
    for (const [input, why] of [
      ['other.json', /other\.json is neither a span summary .* nor load results/],
      ['broken.json', /broken\.json: not JSON/],
      ['missing.json', /missing\.json: no such file or folder/],
      ['empty', /empty: a folder without span-summary\.json or load-results\.json/],
    ] as const) {
      await assert.rejects(
        reportRuns([path(input)]),
        (error: Error) => error instanceof UsageError && why.test(error.message),
        `${input} is refused with ${why}`,
      );
    }
  });
});
