/**
 * `amanuensis profile` end to end on the quick suite: a run folder with the three outputs, a
 * terminal report, no failed request; and `--compare` (the regression gate) over two run folders
 * of the same build, which must pass.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BIN } from '../support/service.ts';

const run = promisify(execFile);

async function profile(out: string): Promise<{ stdout: string; stderr: string; folder: string }> {
  const before = new Set(await readdir(out).catch(() => []));
  const { stdout, stderr } = await run(process.execPath, [BIN, 'profile', '--suite', 'quick', '--out', out], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    maxBuffer: 1 << 24,
  });
  const created = (await readdir(out)).filter((name) => !before.has(name));
  assert.equal(created.length, 1, `one new run folder (${created.join(', ')})`);
  return { stdout, stderr, folder: join(out, created[0]!) };
}

describe('amanuensis profile', () => {
  it('writes span-summary.json, load-results.json and report.html, prints the report, and says once that no collector answered', async () => {
    const out = await mkdtemp(join(tmpdir(), 'amanuensis-profile-'));
    const { stdout, stderr, folder } = await profile(out);
    for (const file of ['span-summary.json', 'load-results.json', 'report.html']) {
      assert.ok((await stat(join(folder, file))).size > 0, `${file} written`);
    }
    const load = JSON.parse(await readFile(join(folder, 'load-results.json'), 'utf8')) as {
      scenarios: Array<{ failed: number; succeeded: number }>;
    };
    assert.ok(load.scenarios.length >= 3, 'the quick suite ran its scenarios');
    assert.equal(
      load.scenarios.reduce((n, s) => n + s.failed, 0),
      0,
      'no failed request',
    );
    const summary = JSON.parse(await readFile(join(folder, 'span-summary.json'), 'utf8')) as {
      spans: Array<{ name: string; count: number }>;
    };
    const transcribe = summary.spans.find((s) => s.name === 'transcribe');
    assert.ok(
      (transcribe?.count ?? 0) >= load.scenarios.reduce((n, s) => n + s.succeeded, 0),
      'every measured request (and the warm-ups) reached the summary',
    );
    assert.match(stdout, /where time goes/, 'terminal report printed');
    assert.match(stderr, /^live view: http:\/\/127\.0\.0\.1:\d+\/live$/m, 'the live URL is printed at the start');
    assert.equal(
      stderr.match(/no collector at http:\/\/127\.0\.0\.1:9\/v1\/traces/g)?.length,
      1,
      'the missing collector is reported exactly once',
    );
    const html = await readFile(join(folder, 'report.html'), 'utf8');
    assert.ok(!/<script[^>]+src=/i.test(html), 'no external scripts in the report');

    const second = await profile(out);
    const compared = await run(process.execPath, [BIN, 'profile', '--compare', folder, second.folder]);
    assert.match(compared.stdout, /transcribe/, 'the comparison lists stages');
    const gate = JSON.parse(
      (await run(process.execPath, [BIN, 'compare', '--json', folder, second.folder])).stdout,
    ) as {
      passed: boolean;
      regressions: string[];
    };
    assert.equal(gate.passed, true, `two runs of the same build pass the gate: ${gate.regressions.join('; ')}`);
  });

  it('refuses --compare without two folders, and a folder that is not a run', async () => {
    await assert.rejects(
      run(process.execPath, [BIN, 'profile', '--compare', '/tmp']),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2, 'usage error exit code');
        assert.match(error.stderr, /exactly two run folders/, 'one-line message');
        return true;
      },
    );
    const empty = await mkdtemp(join(tmpdir(), 'amanuensis-empty-'));
    await assert.rejects(
      run(process.execPath, [BIN, 'profile', '--compare', empty, empty]),
      (error: { code: number; stderr: string }) => {
        assert.equal(error.code, 2, 'bad folder exit code');
        assert.equal(error.stderr.trim().split('\n').length, 1, `one line: ${error.stderr}`);
        return true;
      },
    );
  });
});
