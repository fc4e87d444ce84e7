/**
 * `amanuensis compare A B` as a CI job runs it: made-up but realistic run folders (the load
 * generator's and the rollup's own code, test/report/gate-runs.ts) in, exit code 0 or 1 and the
 * named regression out; `--json` for machines; bad usage and unreadable input one line and exit 2.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunDocuments } from '../../src/report/input.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { gateRun } from '../report/gate-runs.ts';
import { BIN } from '../support/service.ts';

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
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

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'amanuensis-compare-'));
    a = await writeRun(join(root, 'a'), gateRun({ jitter: 1 }));
    same = await writeRun(join(root, 'same-build'), gateRun({ jitter: 2, slowdown: 1.2 }));
    planted = await writeRun(
      join(root, 'planted'),
      gateRun({ jitter: 2, plantMs: 120, plantIn: SPAN.DECODER_TOKEN_GENERATION }),
    );
  });

  it('exits 0 for two runs of the same build, and says it passed', async () => {
    const result = await cli('compare', a, same);
    assert.equal(result.status, 0, `exit code: ${result.stderr}`);
    assert.match(result.stdout, /pass: no significant regression beyond 10%/, 'the verdict line');
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

  it('profile --compare is an alias: the same output and exit code', async () => {
    const [alias, direct] = await Promise.all([cli('profile', '--compare', a, planted), cli('compare', a, planted)]);
    assert.equal(alias.status, direct.status, 'exit code');
    assert.equal(alias.stdout, direct.stdout, 'output');
  });
});
