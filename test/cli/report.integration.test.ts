/**
 * `amanuensis report` as a user runs it: where report.html lands, what it prints, and one line
 * with exit code 2 for an input it cannot use.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { realisticRun } from '../report/realistic.ts';
import { BIN } from '../support/service.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function amanuensis(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    // A Jaeger URL nothing listens on, so the probe answers at once and the test needs no network.
    execFile(
      process.execPath,
      [BIN, ...args, '--jaeger-url', 'http://127.0.0.1:9'],
      { cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('amanuensis report', () => {
  let dir: string;

  before(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'report-cli-')));
    const run = realisticRun('fused', 1);
    await mkdir(join(dir, 'run'));
    await writeFile(join(dir, 'run', 'load-results.json'), JSON.stringify(run.load));
    await writeFile(join(dir, 'run', 'span-summary.json'), JSON.stringify(run.summary));
    await writeFile(join(dir, 'measured.json'), JSON.stringify(run.load));
    await writeFile(join(dir, 'notes.json'), JSON.stringify({ schema_version: 1, notes: [] }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes report.html in the current directory from load results alone and prints its path', async () => {
    const run = await amanuensis(dir, 'report', 'measured.json');
    assert.equal(run.code, 0, `exit 0 (stderr: ${run.stderr})`);
    const target = join(dir, 'report.html');
    assert.match(run.stdout, new RegExp(`wrote ${target}\\n$`), 'the last line is the path written');
    assert.match(run.stdout, /^run measured: .*no span summary$/m, 'the terminal report says what is missing');
    const html = await readFile(target, 'utf8');
    assert.match(html, /No span summary: this needs the server&#39;s spans/, 'the page says what its span panels need');
  });

  it('writes into the first folder given, or where -o says, and --quiet prints only the path', async () => {
    const inFolder = await amanuensis(dir, 'report', 'run', '--quiet');
    assert.equal(inFolder.code, 0, `exit 0 (stderr: ${inFolder.stderr})`);
    assert.equal(inFolder.stdout, `wrote ${join(dir, 'run', 'report.html')}\n`, 'only the path, inside the folder');
    const chosen = await amanuensis(dir, 'report', 'run', 'measured.json', '-o', 'both.html', '--quiet');
    assert.equal(chosen.code, 0, `exit 0 (stderr: ${chosen.stderr})`);
    const html = await readFile(join(dir, 'both.html'), 'utf8');
    assert.match(html, /Run <q>run<\/q>.*Run <q>measured<\/q>/s, 'both runs, side by side');
  });

  it('refuses a file that is neither document with one line and exit code 2', async () => {
    for (const args of [['notes.json'], ['missing.json'], ['run', '-o', '../x.html']]) {
      const run = await amanuensis(dir, 'report', ...args);
      assert.equal(run.code, 2, `${args.join(' ')}: exit 2 (stderr: ${run.stderr})`);
      assert.equal(run.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line (${run.stderr})`);
    }
    const neither = await amanuensis(dir, 'report', 'notes.json');
    assert.match(neither.stderr, /^amanuensis: notes\.json is neither a span summary .* nor load results/, 'says why');
  });

  it('prints --help with its defaults', async () => {
    const run = await amanuensis(dir, 'report', '--help');
    assert.equal(run.code, 0, 'exit 0');
    assert.match(run.stdout, /Usage: amanuensis report \[options\] <paths\.\.\.>/, 'the usage line');
    assert.match(run.stdout, /default:\s+"http:\/\/localhost:16686"/, 'the Jaeger default');
  });
});
