/**
 * `amanuensis compare A B` as a CI job runs it: made-up but realistic run folders (the load
 * generator's and the rollup's own code, test/report/gate-runs.ts) in, exit code 0 or 1 and the
 * named regression out; `--json` for machines; bad usage and unreadable input one line and exit 2;
 * `--noise` with a noise file scripts/calibrate-compare.ts --write made from A/A run folders.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunDocuments } from '../../src/report/input.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { gateRun, quietNoise } from '../report/gate-runs.ts';
import { BIN } from '../support/service.ts';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

const CALIBRATE = fileURLToPath(new URL('../../scripts/calibrate-compare.ts', import.meta.url));

function cli(...args: string[]): Promise<Ran> {
  return run(BIN, ...args);
}

function run(script: string, ...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function writeRun(dir: string, run: RunDocuments): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'span-summary.json'), JSON.stringify(run.summary));
  await writeFile(join(dir, 'load-results.json'), JSON.stringify(run.load));
  return dir;
}

describe('amanuensis compare', () => {
  let root: string;
  let a: string;
  let same: string;
  let planted: string;
  let dropped: string;
  let quiet: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'amanuensis-compare-'));
    a = await writeRun(join(root, 'a'), gateRun({ jitter: 1 }));
    same = await writeRun(join(root, 'same-build'), gateRun({ jitter: 2, slowdown: 1.2 }));
    planted = await writeRun(
      join(root, 'planted'),
      gateRun({ jitter: 2, plantMs: 120, plantIn: SPAN.DECODER_TOKEN_GENERATION }),
    );
    dropped = await writeRun(join(root, 'dropped'), gateRun({ jitter: 2, queueing: 1 / 0.6 }));
    quiet = join(root, 'quiet-noise.json');
    await writeFile(quiet, JSON.stringify(quietNoise()));
  });

  it('exits 0 for two runs of the same build, and says it passed', async () => {
    const result = await cli('compare', a, same);
    assert.equal(result.status, 0, `exit code: ${result.stderr}`);
    assert.match(result.stdout, /pass: no significant regression beyond 10%/, 'the verdict line');
    assert.match(result.stdout, /noise model: built-in/, 'the intervals line names the noise model');
    assert.match(result.stdout, /decoder\.token_generation/, 'the stage table');
  });

  it('exits 1 for a planted delay and names the stage', async () => {
    const result = await cli('compare', a, planted);
    assert.equal(result.status, 1, `exit code: ${result.stderr}`);
    assert.match(result.stdout, /FAIL: \d+ significant regression/, 'the verdict line');
    assert.match(result.stdout, /regression: stage decoder\.token_generation/, 'the stage named');
  });

  it('prints the verdict and every figure as JSON with --json', async () => {
    const result = await cli('compare', '--json', a, planted);
    assert.equal(result.status, 1, 'same exit code as the text');
    const doc = JSON.parse(result.stdout) as {
      passed: boolean;
      max_regression: number;
      regressions: string[];
      scenarios: Array<Record<string, unknown>>;
      stages: Array<Record<string, unknown>>;
      scenario_stages: Array<Record<string, unknown>>;
      notes: string[];
    };
    assert.equal(doc.passed, false, 'passed');
    assert.equal(doc.max_regression, 0.1, 'threshold');
    assert.match(doc.regressions[0] ?? '', /decoder\.token_generation/, 'the planted stage first');
    for (const key of ['name', 'metric', 'a', 'b', 'change', 'interval', 'verdict', 'per_request_samples'])
      assert.ok(key in doc.scenarios[0]!, `scenario figures carry ${key}`);
    const tokens = doc.stages.find((s) => s.name === SPAN.DECODER_TOKEN_GENERATION && s.metric === 'self time');
    assert.equal(tokens?.verdict, 'regression', 'the stage figure');
    assert.equal(typeof tokens?.run_shift, 'number', 'self time carries the run shift');
    assert.ok(Array.isArray(doc.scenario_stages) && Array.isArray(doc.notes), 'scenario stages and notes');
  });

  it('takes --max-regression as a percentage', async () => {
    const loose = await cli('compare', '--max-regression', '500%', a, planted);
    assert.equal(loose.status, 0, `a 500 % threshold passes a doubled stage: ${loose.stdout.slice(0, 200)}`);
    const bad = await cli('compare', '--max-regression', 'ten', a, planted);
    assert.equal(bad.status, 2, 'bad usage');
    assert.match(bad.stderr, /percentage/, 'says what it wants');
    assert.equal(bad.stderr.trim().split('\n').length, 1, `one line: ${bad.stderr}`);
  });

  it('compares single result files too', async () => {
    const result = await cli('compare', join(a, 'load-results.json'), join(same, 'load-results.json'));
    assert.equal(result.status, 0, `exit code: ${result.stderr}`);
    assert.match(result.stdout, /stages not compared/, 'says what it could not compare');
  });

  it('exits 2 with one line for a missing folder, a file that is not JSON, or a document of another kind', async () => {
    const notJson = join(root, 'notes.txt');
    await writeFile(notJson, 'hello');
    const other = join(root, 'other.json');
    await writeFile(other, JSON.stringify({ hello: 'world' }));
    for (const [input, message] of [
      [join(root, 'missing'), /no such file or folder/],
      [notJson, /not JSON/],
      [other, /is neither a span summary/],
    ] as const) {
      const result = await cli('compare', a, input);
      assert.equal(result.status, 2, `${input}: exit code`);
      assert.match(result.stderr, message, `${input}: message`);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    }
  });

  it('with --noise, judges by the file: one scenario 40 % slower passes without it and fails with it', async () => {
    const [without, withFile] = await Promise.all([
      cli('compare', a, dropped),
      cli('compare', '--noise', quiet, a, dropped),
    ]);
    assert.equal(without.status, 0, `built-in noise: ${without.stdout.slice(0, 300)}`);
    assert.equal(withFile.status, 1, `quiet noise: ${withFile.stderr}`);
    assert.match(withFile.stdout, /regression: scenario 4x40 1s throughput/, 'the scenario named');
    assert.ok(withFile.stdout.includes(`noise model: ${quiet}`), 'the intervals line names the file');
  });

  it('exits 2 with one line for a noise file that is missing, not JSON, another document, or misses a family', async () => {
    const notJson = join(root, 'noise.txt');
    await writeFile(notJson, 'quiet');
    const partial = join(root, 'partial-noise.json');
    const { stage: _stage, ...drift } = quietNoise().drift;
    await writeFile(partial, JSON.stringify({ ...quietNoise(), drift }));
    for (const [file, message] of [
      [join(root, 'no-noise.json'), /no such file/],
      [notJson, /not JSON/],
      [join(a, 'span-summary.json'), /not a noise document/],
      [partial, /misses the drift of the family "stage"/],
    ] as const) {
      const result = await cli('compare', '--noise', file, a, same);
      assert.equal(result.status, 2, `${file}: exit code`);
      assert.match(result.stderr, message, `${file}: message`);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    }
  });

  it('calibrate-compare.ts --write makes a noise file from A/A run folders that compare --noise uses', async () => {
    const aa = join(root, 'aa');
    await Promise.all([1, 2, 3, 4].map((jitter) => writeRun(join(aa, `${jitter}`), gateRun({ jitter }))));
    const file = join(root, 'measured-noise.json');
    const calibrated = await run(CALIBRATE, aa, '--write', file);
    assert.equal(calibrated.status, 0, `every A/A pair passes: ${calibrated.stdout}${calibrated.stderr}`);
    const doc = JSON.parse(await readFile(file, 'utf8')) as ReturnType<typeof quietNoise>;
    assert.equal(doc.schema_version, 1, 'schema version');
    assert.equal(doc.margin, 1.25, 'the margin');
    assert.deepEqual(
      doc.pairs,
      [
        [join(aa, '1'), join(aa, '2')],
        [join(aa, '3'), join(aa, '4')],
      ],
      'the pairs',
    );
    assert.ok((doc.drift.scenario.throughput ?? 0) < 0.85, `tighter than built-in: ${doc.drift.scenario.throughput}`);
    const result = await cli('compare', '--noise', file, join(aa, '1'), join(aa, '3'));
    assert.equal(result.status, 0, `another A/A pair passes under it: ${result.stdout.slice(0, 300)}${result.stderr}`);
  });

  it('profile --compare is an alias: the same output and exit code', async () => {
    const [alias, direct] = await Promise.all([cli('profile', '--compare', a, planted), cli('compare', a, planted)]);
    assert.equal(alias.status, direct.status, 'exit code');
    assert.equal(alias.stdout, direct.stdout, 'output');
  });
});
