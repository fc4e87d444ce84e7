import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliArgs } from '../support/cli-args.ts';
import { type FakeTarget, startFakeTarget } from './fake-target.ts';
import { type Exit, load } from './helpers.ts';

function assertUsage(exit: Exit, pattern: RegExp): void {
  assert.equal(exit.code, 2, `exit code 2 (stderr: ${exit.stderr})`);
  const lines = exit.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${exit.stderr}`);
  assert.match(lines[0]!, /^amanuensis: /, 'prefixed message');
  assert.match(lines[0]!, pattern, 'says what is wrong');
  assert.doesNotMatch(exit.stderr, /\n\s+at /, 'no stack trace');
}

describe('amanuensis load (CLI)', () => {
  let target: FakeTarget;
  let dir: string;
  before(async () => {
    target = await startFakeTarget({ delayMs: 20 });
    dir = await mkdtemp(join(tmpdir(), 'loadgen-cli-'));
    await writeFile(join(dir, 'notes.wav'), 'these are not audio samples');
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is wired into the amanuensis program', async () => {
    const exit = await load(['--help']);
    assert.equal(exit.code, 0, `load --help works (stderr: ${exit.stderr})`);
    assert.match(exit.stdout, /--threshold/, 'help lists the options');
  });

  it('rejects nonsense options with one line and exit code 2', async () => {
    assertUsage(await load(['--url', target.url, '--streams', '0']), /--streams must be a positive integer/);
    assertUsage(await load(['--url', target.url, '--rate', '-1']), /--rate must be a positive number/);
    assertUsage(
      await load(['--url', target.url, '--requests', '3', '--duration', '2']),
      /--requests and --duration are alternatives/,
    );
    assertUsage(await load(['--url', target.url, '--threshold', 'p99 under 800']), /--threshold/);
    assertUsage(
      await load(['--url', target.url, '--rate', '5', '--duration', '2x']),
      /--duration must be a positive number of seconds or a duration such as 30s, 2m/,
    );
  });

  it('rejects a missing or non-audio --audio file before sending anything', async () => {
    const sent = target.arrivals.length;
    assertUsage(await load(['--url', target.url, '--audio', join(dir, 'missing.wav')]), /no such file/);
    assertUsage(await load(['--url', target.url, '--audio', join(dir, 'notes.wav')]), /not a usable WAV file/);
    assert.equal(target.arrivals.length, sent, 'nothing reached the target');
  });

  it('says clearly when the target is down, on the wrong path, or not a transcription endpoint (exit 2)', async () => {
    const gone = await startFakeTarget();
    await gone.close();
    assertUsage(await load(['--url', gone.url]), /cannot reach .*\/health/);
    assertUsage(await load(['--url', `${target.url}/wrong`]), /answered 404.*base URL/);
    const html = await startFakeTarget({
      answer: () => ({ status: 200, body: '<html></html>', contentType: 'text/html' }),
    });
    try {
      assertUsage(await load(['--url', html.url]), /without a JSON transcription/);
    } finally {
      await html.close();
    }
  });

  it('exits 0 when every threshold holds and 1 when one fails, writing the results either way', async () => {
    const passing = join(dir, 'pass.json');
    const ok = await load(
      cliArgs({ url: target.url, streams: 2, requests: 6, threshold: ['p99<60000', 'success>=0.99'], out: passing }),
    );
    assert.equal(ok.code, 0, `thresholds hold (stderr: ${ok.stderr})`);
    const results = JSON.parse(await readFile(passing, 'utf8')) as {
      scenarios: { requests: number; succeeded: number }[];
      thresholds: { passed: boolean }[];
    };
    assert.equal(results.scenarios[0]!.requests, 6, 'the results file has the scenario');
    assert.equal(results.thresholds.length, 2, 'both checks recorded');
    assert.match(ok.stdout, /p99 ms/, 'the table is printed');

    const failing = await load(['--url', target.url, '--streams', '1', '--requests', '3', '--threshold', 'p50<1']);
    assert.equal(failing.code, 1, 'a 20 ms server cannot answer within 1 ms');
    assert.match(failing.stdout, /FAILED p50<1/, 'the failure is named');
  });

  it('writes NDJSON progress on stdout with --progress json', async () => {
    const exit = await load(['--url', target.url, '--streams', '2', '--requests', '4', '--progress', 'json']);
    assert.equal(exit.code, 0, exit.stderr);
    const events = exit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    assert.equal(events[0]!.type, 'scenario-start', 'starts with the scenario');
    assert.equal(events.at(-1)!.type, 'results', 'ends with the results document');
    assert.ok(
      events.some((e) => e.type === 'scenario-end'),
      'reports the scenario end',
    );
  });
});
