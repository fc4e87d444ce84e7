/**
 * `amanuensis profile --target URL [--collect]` against a server this process did not start for
 * it: a stand-in answering at once in this process, and our own `serve`, started by the test, for
 * a server that exports its spans. Without --collect the run folder has the load results and a
 * report that says what its span panels need; with --collect the server's spans join it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { LoadResults } from '../../src/loadgen/results.ts';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { startFakeTarget } from '../loadgen/fake-target.ts';
import { parseForm } from '../loadgen/form.ts';
import { BIN, otlpEnv, type RunningService, startService } from '../support/service.ts';

const run = promisify(execFile);

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `amanuensis profile ...args`; its own client spans go nowhere. */
async function profile(args: string[]): Promise<Exit> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'profile', ...args], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_TRACES_EXPORTER: 'none' },
      maxBuffer: 1 << 24,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function assertUsage(exit: Exit, pattern: RegExp): void {
  assert.equal(exit.code, 2, `exit code 2 (stderr: ${exit.stderr})`);
  assert.equal(exit.stderr.trim().split('\n').length, 1, `one line on stderr: ${exit.stderr}`);
  assert.match(exit.stderr, pattern, 'says what is wrong');
}

/** A port nothing listens on right now, for a receiver the server must know before it starts. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function onlyFolder(out: string): Promise<string> {
  const folders = await readdir(out);
  assert.equal(folders.length, 1, `one run folder (${folders.join(', ')})`);
  return join(out, folders[0]!);
}

describe('amanuensis profile --target', () => {
  let out: string;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'amanuensis-target-'));
  });
  after(() => rm(out, { recursive: true, force: true }));

  it('refuses service options beside --target, and --collect without it (exit 2, one line)', async () => {
    const url = 'http://127.0.0.1:9';
    assertUsage(await profile(['--target', url, '--device', 'cpu']), /--target profiles an external server: --device/);
    assertUsage(await profile(['--target', url, '--compare-offload']), /--compare-offload has no service/);
    assertUsage(await profile(['--collect']), /--collect needs --target/);
    assertUsage(await profile(['--target', url, '--collect-port', '4319']), /--collect-port configures --collect/);
    assertUsage(await profile(['--target', 'not a url']), /--target must be an absolute http\(s\) URL/);
    assertUsage(await profile(['--target', url, '--header', 'no colon']), /--header number 1 must be 'Name: value'/);
  });

  it('runs the suite against a server it did not start, passing --path, --header and --model through, and writes load results and a report, no span summary', async () => {
    // Not our service: no /health, no span summary, its own path; answers at once, so the suite is quick.
    const target = await startFakeTarget({ path: '/asr' });
    const folderOut = join(out, 'plain');
    try {
      const exit = await profile([
        '--target',
        target.url,
        '--suite',
        'quick',
        '--out',
        folderOut,
        '--path',
        '/asr',
        '--header',
        'X-Tenant: lab',
        '--model',
        'large-v3',
      ]);
      assert.equal(exit.code, 0, `the run succeeds (stderr: ${exit.stderr})`);
      const posts = target.arrivals.filter((a) => a.method === 'POST');
      assert.ok(posts.length > 0, 'the suite reached the target');
      for (const post of posts) {
        assert.equal(post.path, '/asr', '--path passed through');
        assert.equal(post.headers['x-tenant'], 'lab', '--header passed through');
      }
      assert.equal((await parseForm(posts[0]!.body, posts[0]!.contentType)).fields.model, 'large-v3', '--model too');
      const folder = await onlyFolder(folderOut);
      assert.deepEqual((await readdir(folder)).sort(), ['load-results.json', 'report.html'], 'no span summary');
      const load = JSON.parse(await readFile(join(folder, 'load-results.json'), 'utf8')) as LoadResults;
      assert.equal(load.target.replace(/\/$/, ''), target.url, 'the target was measured');
      assert.equal(load.suite, 'quick', 'with the asked suite');
      assert.equal(load.scenarios.length, 5, 'every scenario of the quick suite ran');
      assert.ok(
        load.scenarios.every((s) => s.failed === 0 && s.succeeded > 0),
        'every request succeeded',
      );
      const html = await readFile(join(folder, 'report.html'), 'utf8');
      assert.match(html, /No span summary: this needs the server&#39;s spans/, 'the report says what it lacks');
      assert.match(exit.stdout, /wrote .*\{load-results\.json,report\.html\}/, 'names what it wrote');
    } finally {
      await target.close();
    }
  });

  it("with --collect, receives the server's spans over OTLP and puts their stages into the run folder and report", async () => {
    const port = await freePort();
    const service: RunningService = await startService([], {
      ...otlpEnv(`http://127.0.0.1:${port}`),
      OTEL_TRACES_EXPORTER: 'otlp',
    });
    const folderOut = join(out, 'collected');
    try {
      const exit = await profile([
        '--target',
        service.url,
        '--collect',
        '--collect-port',
        String(port),
        '--collect-wait',
        '1s',
        '--suite',
        'quick',
        '--out',
        folderOut,
      ]);
      assert.equal(exit.code, 0, `the run succeeds (stderr: ${exit.stderr})`);
      assert.match(
        exit.stderr,
        new RegExp(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127\\.0\\.0\\.1:${port}`),
        'prints where the target should export',
      );
      assert.match(
        exit.stderr,
        new RegExp(`^live view: http://127\\.0\\.0\\.1:${port}/live$`, 'm'),
        "and collect's live view",
      );
      const folder = await onlyFolder(folderOut);
      const load = JSON.parse(await readFile(join(folder, 'load-results.json'), 'utf8')) as LoadResults;
      const summary = JSON.parse(await readFile(join(folder, 'span-summary.json'), 'utf8')) as SpanSummaryDocument;
      const measured = load.scenarios.reduce((n, s) => n + s.succeeded, 0);
      const count = (name: string): number => summary.spans.find((s) => s.name === name)?.count ?? 0;
      assert.ok(count('transcribe') >= measured, `every measured request's spans arrived (${count('transcribe')})`);
      assert.ok(count('encoder') > 0 && count('decoder') > 0, "the server's stages are in the summary");
      const html = await readFile(join(folder, 'report.html'), 'utf8');
      assert.doesNotMatch(html, /No span summary/, 'the span panels are drawn');
      assert.match(html, /npu\.kernel_execution/, "the report shows the server's stages");
    } finally {
      await service.stop();
    }
  });
});
