import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { attributedSummary, keptTrace, legacySummary, resource } from '../report/documents.ts';
import { requestSpec, testTracer } from './spans.ts';

const BIN = new URL('../../bin/amanuensis.js', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function amanuensis(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function documentOf(requests: number, relativeAccuracy = 0.01): SpanSummaryDocument {
  const processor = new RollupSpanProcessor({ serviceName: 'amanuensis', sketch: { relativeAccuracy } });
  const { tree } = testTracer([processor]);
  for (let i = 0; i < requests; i++) tree(requestSpec(1 + i / 7), i * 10_000);
  return processor.summary();
}

/** Asserts a failed run printed exactly one line on stderr that names `file`. */
function failsNaming(run: Run, code: number, file: string, why: RegExp): void {
  assert.equal(run.code, code, `exit code ${code} (stderr: ${run.stderr})`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${run.stderr}`);
  assert.ok(lines[0]!.includes(file), `the line names ${file}: ${lines[0]}`);
  assert.match(lines[0]!, why, 'and says why');
}

describe('amanuensis summary', () => {
  let folder: string;
  let good: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'summary-cli-'));
    good = join(folder, 'a.json');
    await writeFile(good, JSON.stringify(documentOf(12)));
  });
  after(() => rm(folder, { recursive: true }));

  it('show prints the bar chart, the waterfall and Jaeger links', async () => {
    const run = await amanuensis('summary', 'show', good, '--jaeger-url', 'http://jaeger:16686/');
    assert.equal(run.code, 0, `exit 0 (stderr: ${run.stderr})`);
    assert.match(run.stdout, /Where the time goes/, 'bar chart');
    assert.match(run.stdout, /A typical transcribe \(12 of them\)/, 'waterfall');
    assert.match(
      run.stdout,
      /http:\/\/jaeger:16686\/trace\/[0-9a-f]{32}/,
      'links use the given base URL without a double slash',
    );
    const defaults = await amanuensis('summary', 'show', good);
    assert.match(defaults.stdout, /http:\/\/localhost:16686\/trace\//, 'default Jaeger URL');
  });

  it('show says why the tail is slow per root, with the unattributed p99, the resources and the slowest request exactly', async () => {
    const file = join(folder, 'attributed.json');
    const document = attributedSummary();
    document.resources.push(resource('admission', 16, 0.95, 2));
    await writeFile(file, JSON.stringify(document));
    const run = await amanuensis('summary', 'show', file, '--width', '50');
    assert.equal(run.code, 0, `exit 0 (stderr: ${run.stderr})`);
    assert.match(
      run.stdout,
      /^ {2}POST \/v1\/audio\/transcriptions \(200 requests\): p95\+ requests are \+412 ms: worker\.queue_wait \+380 ms \(92 %\); unattributed time p99 3 % of a request \(3\.1 ms\)$/m,
      'one line for the root',
    );
    assert.match(
      run.stdout,
      /^ {2}admission: capacity 16, utilization 95 %, queue 2\.00 mean, 4 max -- saturated$/m,
      'a saturated resource is marked',
    );
    assert.match(
      run.stdout,
      /^ {2}worker_pool: capacity 4, utilization 30 %, queue 0\.00 mean, 0 max$/m,
      'an idle one is not',
    );
    const waterfall = run.stdout.slice(run.stdout.indexOf('The slowest request, exact: 500 ms'));
    const rows = waterfall
      .split('\n')
      .filter((line) => line.includes('|'))
      .map((line) => /^ {2}(.+?)\s+\|([ █]+)\|\s+([\d.]+) \+\s+([\d.]+) ms$/.exec(line));
    assert.equal(rows.length, keptTrace().spans.length, 'one line per kept span');
    const queue = rows.find((m) => m?.[1]?.trim() === 'worker.queue_wait');
    assert.deepEqual(
      [queue?.[3], queue?.[4]],
      ['31.0', '380'],
      'the queue wait at its exact start for its exact duration',
    );
    assert.equal(queue?.[2]?.indexOf('█'), 3, 'its bar starts at 31/500 of 50 columns');
    assert.equal((queue?.[2]?.split('█').length ?? 0) - 1, 38, 'and is 380/500 of 50 columns long');
  });

  it('show prints a document without requests or resources, saying it keeps no single requests', async () => {
    const file = join(folder, 'legacy.json');
    await writeFile(file, JSON.stringify(legacySummary()));
    const run = await amanuensis('summary', 'show', file);
    assert.equal(run.code, 0, `exit 0 (stderr: ${run.stderr})`);
    assert.doesNotMatch(run.stdout, /Why the tail is slow/, 'no attribution section');
    assert.match(
      run.stdout,
      /No slowest request to draw: this summary keeps no single requests/,
      'says so plainly instead of estimating',
    );
  });

  it('show fails with one line naming a missing, truncated or non-JSON file', async () => {
    const missing = join(folder, 'missing.json');
    failsNaming(await amanuensis('summary', 'show', missing), 1, missing, /no such file/);
    const truncated = join(folder, 'truncated.json');
    const text = await readFile(good, 'utf8');
    await writeFile(truncated, text.slice(0, text.length >> 1));
    failsNaming(await amanuensis('summary', 'show', truncated), 1, truncated, /not valid JSON/);
    const other = join(folder, 'other.json');
    await writeFile(other, JSON.stringify({ hello: 'world' }));
    failsNaming(await amanuensis('summary', 'show', other), 1, other, /schema_version/);
  });

  it('show rejects bad options with exit code 2', async () => {
    const run = await amanuensis('summary', 'show', good, '--jaeger-url', 'not a url');
    assert.equal(run.code, 2, 'bad URL is bad usage');
    assert.equal((await amanuensis('summary', 'show', good, '--root', 'nope')).code, 2, 'unknown root is bad usage');
    assert.equal((await amanuensis('summary', 'show')).code, 2, 'missing file argument');
  });

  it('merge writes a document with the counts of all inputs', async () => {
    const out = join(folder, 'merged.json');
    const run = await amanuensis('summary', 'merge', good, good, '-o', out);
    assert.equal(run.code, 0, `exit 0 (stderr: ${run.stderr})`);
    assert.match(run.stdout, /merged 2 summaries/, 'says what it did');
    const merged = JSON.parse(await readFile(out, 'utf8')) as SpanSummaryDocument;
    const original = JSON.parse(await readFile(good, 'utf8')) as SpanSummaryDocument;
    const count = (d: SpanSummaryDocument) => d.spans.find((s) => s.name === 'transcribe')!;
    assert.equal(count(merged).count, 24, 'counts doubled');
    assert.equal(count(merged).p99_ms, count(original).p99_ms, 'p99 did not move');
  });

  it('merge names the file with another schema version or incompatible sketches', async () => {
    const out = join(folder, 'never.json');
    const future = join(folder, 'future.json');
    await writeFile(future, JSON.stringify({ ...documentOf(2), schema_version: 2 }));
    failsNaming(await amanuensis('summary', 'merge', good, future, '-o', out), 1, future, /schema_version 2/);
    const coarse = join(folder, 'coarse.json');
    await writeFile(coarse, JSON.stringify(documentOf(2, 0.05)));
    failsNaming(
      await amanuensis('summary', 'merge', good, coarse, '-o', out),
      1,
      coarse,
      /incompatible sketch parameters/,
    );
    const garbage = join(folder, 'garbage.json');
    await writeFile(garbage, 'not json at all');
    failsNaming(await amanuensis('summary', 'merge', garbage, good, '-o', out), 1, garbage, /not valid JSON/);
    await assert.rejects(readFile(out), /ENOENT/, 'nothing written on failure');
  });

  it('merge without files or without -o is bad usage', async () => {
    assert.equal((await amanuensis('summary', 'merge', '-o', join(folder, 'x.json'))).code, 2, 'empty list');
    assert.equal((await amanuensis('summary', 'merge', good)).code, 2, 'missing -o');
  });
});
