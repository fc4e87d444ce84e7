/**
 * The package as a user gets it: `npm pack` (its `prepare` script builds dist/), the tarball
 * installed into a new application beside the packages the README's example imports, then the
 * example run verbatim, its types checked against the declarations, and the `amanuensis` command
 * run from node_modules/.bin: --help, serve with a short load (its run rendered by the library as
 * report.html), and the Node floor told to an older Node.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliArgs } from '../support/cli-args.ts';
import { type Receiver, startReceiver } from '../support/otlp-receiver.ts';
import { waitUntil } from '../support/wait.ts';
import { type App, packAndInstall, REPO, run, startCommand } from './app.ts';
import { importedPackages, readmeLibraryExample } from './readme-example.ts';

// After the README's lines: one span, then the shutdown the README's last comment describes.
const AFTER_EXAMPLE = `
import { trace } from '@opentelemetry/api';
trace.getTracer('readme').startActiveSpan('checkout.charge', (span) => span.end());
await writer.close();
await sdk.shutdown();
`;
const EXAMPLE = readmeLibraryExample() + AFTER_EXAMPLE;

const INSTALLED = (app: App): string => join(app.dir, 'node_modules', 'amanuensis-otel');
const OLDER_NODE = '/usr/bin/node';

/** package.json's engines.node floor, e.g. `22.15`. */
const FLOOR = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }
).engines.node.replace(/^>=\s*/, '');

/** `v20.20.2` when `node` exists and is older than the floor. */
function olderNode(node: string): string | undefined {
  if (!existsSync(node)) return undefined;
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const [major, minor] = version.slice(1).split('.').map(Number);
  const [floorMajor, floorMinor] = FLOOR.split('.').map(Number);
  return major! < floorMajor! || (major === floorMajor && minor! < (floorMinor ?? 0)) ? version : undefined;
}

describe('the packed package installed into a new application', () => {
  let app: App;
  let receiver: Receiver;

  before(
    async () => {
      receiver = await startReceiver();
      app = await packAndInstall(importedPackages(EXAMPLE));
      await writeFile(join(app.dir, 'example.ts'), EXAMPLE);
    },
    { timeout: 200_000 },
  );
  after(async () => {
    await receiver?.close();
    await app?.remove();
  });

  it('ships the compiled library with declarations, the command and the addon sources, and no sources, tests or benches', () => {
    for (const path of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/engine/worker.js',
      'bin/amanuensis.js',
      'bin/install-addon.js',
      'native/binding.gyp',
      'native/src/addon.c',
      'README.md',
    ]) {
      assert.ok(app.packedFiles.includes(path), `the tarball holds ${path}`);
    }
    const stray = app.packedFiles.filter(
      (path) =>
        /^(src|test|bench|scripts|results|native\/build)\//.test(path) ||
        (path.endsWith('.ts') && !path.endsWith('.d.ts')),
    );
    assert.deepEqual(stray, [], 'no TypeScript sources, tests, benches, scripts, results or built addon');
  });

  it('runs the README library example verbatim: the rollups count the span and the application exporter still sends it', async () => {
    const result = await run(process.execPath, ['example.ts'], {
      cwd: app.dir,
      env: app.env({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }),
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 0, `the example exits 0: ${result.stderr}`);
    const summary = JSON.parse(await readFile(join(app.dir, 'span-summary.json'), 'utf8')) as {
      service: { name: string };
      spans: { name: string; count: number }[];
    };
    assert.equal(summary.service.name, 'checkout', 'the summary names the service given to the processor');
    assert.equal(
      summary.spans.find((span) => span.name === 'checkout.charge')?.count,
      1,
      'the summary writer wrote the span at close',
    );
    const received = await receiver.waitForSpans((spans) => spans.some((span) => span.name === 'checkout.charge'));
    assert.ok(
      received.some((span) => span.name === 'checkout.charge'),
      'the OTLP exporter beside the rollups sent the span',
    );
  });

  it('type-checks the example against the declarations the exports map names', async () => {
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [
      tsc,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--target',
      'es2024',
      '--skipLibCheck',
      'example.ts',
    ];
    const result = await run(process.execPath, args, { cwd: app.dir, env: app.env(), timeoutMs: 60_000 });
    assert.equal(result.code, 0, `tsc finds the types: ${result.stdout}${result.stderr}`);
  });

  it('makes a RollupSpanProcessor with no options', async () => {
    const script =
      "import { RollupSpanProcessor } from 'amanuensis-otel'; process.stdout.write(String(new RollupSpanProcessor().summary().spans.length));";
    const result = await run(process.execPath, ['--input-type=module', '--eval', script], {
      cwd: app.dir,
      env: app.env(),
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 0, `constructed with defaults: ${result.stderr}`);
    assert.equal(result.stdout, '0', 'an empty summary before any span');
  });

  it('runs amanuensis --help from node_modules/.bin', async () => {
    const result = await run('amanuensis', ['--help'], { cwd: app.dir, env: app.env(), timeoutMs: 30_000 });
    assert.equal(result.code, 0, `exit code: ${result.stderr}`);
    assert.match(
      result.stdout,
      /Usage: amanuensis .*\n[\s\S]*\bserve\b[\s\S]*\bload\b/,
      'the usage lists the commands',
    );
  });

  it('serves and load-tests from the installed copy, and the library renders that run as report.html', async () => {
    const env = app.env({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    await mkdir(join(app.dir, 'run'));
    const service = await startCommand(app, env, 'serve', [
      '--summary-out',
      'run/span-summary.json',
      '--summary-interval',
      '0',
    ]);
    let load: Awaited<ReturnType<typeof run>>;
    try {
      const flags = {
        url: service.url,
        streams: 1,
        requests: 2,
        warmup: 0,
        out: 'run/load-results.json',
        progress: 'none',
      };
      const args = ['load', ...cliArgs(flags)];
      load = await run('amanuensis', args, { cwd: app.dir, env, timeoutMs: 60_000 });
    } finally {
      assert.equal(await service.stop(), 0, 'serve drains and exits 0 on SIGTERM');
    }
    assert.equal(load.code, 0, `load exits 0: ${load.stderr}`);
    const results = JSON.parse(await readFile(join(app.dir, 'run', 'load-results.json'), 'utf8')) as {
      scenarios: { requests: number; failed: number }[];
    };
    assert.deepEqual(
      results.scenarios.map((s) => [s.requests, s.failed]),
      [[2, 0]],
      'two requests, none failed',
    );

    const script =
      "import { readRunFolder, renderReportHtml } from 'amanuensis-otel'; process.stdout.write(renderReportHtml({ runs: [{ label: 'installed', ...(await readRunFolder('run')) }], jaegerReachable: false }));";
    const report = await run(process.execPath, ['--input-type=module', '--eval', script], {
      cwd: app.dir,
      env: app.env(),
      timeoutMs: 30_000,
    });
    assert.equal(report.code, 0, `renders: ${report.stderr}`);
    assert.match(report.stdout, /Chart\.js v4/, 'Chart.js found from the installed copy and inlined');
    assert.match(report.stdout, /<canvas/, 'charts in the page');
  });

  it("rolls up the installed service's protobuf exports with the installed collect (its .proto files shipped)", async () => {
    const collect = await startCommand(app, app.env(), 'collect', ['--grpc-port', 'off', '--completion-wait', '0.5']);
    try {
      const service = await startCommand(app, app.env({ OTEL_EXPORTER_OTLP_ENDPOINT: collect.url }), 'serve');
      let served: [string, number][] = [];
      try {
        const args = ['load', ...cliArgs({ url: service.url, streams: 1, requests: 2, warmup: 0 })];
        const load = await run('amanuensis', args, {
          cwd: app.dir,
          env: app.env({ OTEL_TRACES_EXPORTER: 'none' }),
          timeoutMs: 60_000,
        });
        assert.equal(load.code, 0, `load exits 0: ${load.stderr}`);
        served = await requestCounts(service.url);
        assert.ok((served[0]?.[1] ?? 0) >= 2, `the service served the load: ${JSON.stringify(served)}`);
      } finally {
        assert.equal(await service.stop(), 0, 'serve drains and exits 0 on SIGTERM');
      }
      const collected = await waitUntil(
        'collect to roll up every request the service served',
        async () => {
          const counts = await requestCounts(collect.url);
          return JSON.stringify(counts) === JSON.stringify(served) && counts;
        },
        { timeoutMs: 20_000 },
      );
      assert.deepEqual(collected, served, 'the same requests, by root, in collect as in the service itself');
    } finally {
      assert.equal(await collect.stop(), 0, 'collect exits 0 on SIGTERM');
    }
  });

  const older = olderNode(OLDER_NODE);
  it('tells an older Node in one line which Node it needs, and exits 1', {
    skip: older ? false : `no Node older than ${FLOOR} at ${OLDER_NODE}`,
  }, async () => {
    const result = await run(OLDER_NODE, [join(INSTALLED(app), 'bin', 'amanuensis.js'), '--help'], {
      cwd: app.dir,
      env: app.env(),
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 1, 'exit code 1');
    assert.equal(
      result.stderr,
      `amanuensis needs Node >= ${FLOOR} (this is ${older})\n`,
      'one line naming the floor of package.json engines',
    );
  });

  const libraries = spawnSync('pkg-config', ['--exists', 'pocketsphinx', 'sphinxbase']).status === 0;
  it(`${libraries ? 'built' : 'skipped'} the PocketSphinx addon on install ${libraries ? '(its libraries are here)' : 'quietly (no libraries here)'}`, async () => {
    const addon = join(INSTALLED(app), 'native', 'build', 'Release', 'pocketsphinx.node');
    assert.equal(
      existsSync(addon),
      libraries,
      libraries ? 'the install script built the addon' : 'no addon without the libraries',
    );
    if (libraries) {
      const service = await startCommand(app, app.env({ OTEL_TRACES_EXPORTER: 'none' }), 'serve', [
        '--engine',
        'pocketsphinx',
      ]);
      assert.equal(await service.stop(), 0, 'the installed copy loads its own addon and serves');
    } else {
      const again = await run(process.execPath, [join(INSTALLED(app), 'bin', 'install-addon.js')], {
        cwd: INSTALLED(app),
        env: app.env(),
        timeoutMs: 30_000,
      });
      assert.deepEqual(again, { code: 0, stdout: '', stderr: '' }, 'the install script says nothing and succeeds');
      const serve = await run('amanuensis', ['serve', '--port', '0', '--engine', 'pocketsphinx'], {
        cwd: app.dir,
        env: app.env(),
        timeoutMs: 30_000,
      });
      assert.equal(serve.code, 1, 'serve refuses the engine');
      assert.match(
        serve.stderr,
        /^amanuensis: PocketSphinx engine unavailable: .*npm rebuild amanuensis-otel\n$/,
        'one line naming how to get it',
      );
    }
  });
});

/** Requests per root in the span summary a server serves. */
async function requestCounts(url: string): Promise<[string, number][]> {
  const summary = (await (await fetch(`${url}/v1/span-summary`)).json()) as {
    requests: { root: string; count: number }[];
  };
  return summary.requests.map((r) => [r.root, r.count]);
}
