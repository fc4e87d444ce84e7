/**
 * Security defaults: the service binds 127.0.0.1 unless told otherwise; a configured API key is
 * required on every endpoint but /health; --summary-out cannot write outside the folder it names
 * (no `..`, no folder reached through a symbolic link, no replacing a link or a device); span
 * attribute values are limited unless the environment sets a limit.
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, spanLimits } from '../../src/telemetry/sdk.ts';
import { BIN, type RunningService, startService } from '../support/service.ts';
import { clipWav, postWav, tempFolder } from './helpers.ts';

const run = promisify(execFile);

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('binding', () => {
  it('listens on 127.0.0.1 by default, unreachable on the other interfaces', async (t) => {
    const service = await startService([]);
    try {
      const url = new URL(service.url);
      assert.equal(url.hostname, '127.0.0.1', 'loopback by default');
      const external = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && !i.internal && i.family === 'IPv4')
        .map((i) => i!.address);
      t.diagnostic(`other IPv4 interfaces: ${external.join(', ') || 'none'}`);
      for (const address of external)
        assert.equal(await connects(address, Number(url.port)), false, `not reachable on ${address}`);
    } finally {
      await service.stop();
    }
  });
});

describe('API key', () => {
  const key = 'test-key-0123456789';
  let service: RunningService;
  before(async () => {
    service = await startService([], { AMANUENSIS_API_KEY: key });
  });
  after(() => service.stop());

  const endpoints: Array<[string, (headers: Record<string, string>) => Promise<Response>, number]> = [
    ['POST /v1/audio/transcriptions', (headers) => postWav(service.url, clipWav('1s'), { headers }), 200],
    ['GET /v1/span-summary', (headers) => fetch(`${service.url}/v1/span-summary`, { headers }), 200],
    ['GET /metrics', (headers) => fetch(`${service.url}/metrics`, { headers }), 200],
    ['GET /live', (headers) => fetch(`${service.url}/live`, { headers }), 200],
    ['GET /v1/unknown', (headers) => fetch(`${service.url}/v1/unknown`, { headers }), 404],
  ];
  for (const [name, send, allowed] of endpoints) {
    it(`requires the key on ${name}`, async () => {
      const refused: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong-key' },
        { authorization: key },
        { authorization: `Basic ${key}` },
      ];
      for (const headers of refused) {
        const response = await send(headers);
        const body = (await response.json()) as { error: { code: string; type: string } };
        assert.equal(response.status, 401, `401 with ${JSON.stringify(headers)}`);
        assert.deepEqual(
          [body.error.code, body.error.type],
          ['invalid_api_key', 'authentication_error'],
          'authentication envelope',
        );
      }
      const response = await send({ authorization: `Bearer ${key}` });
      assert.equal(response.status, allowed, 'the right key is let through');
      await response.arrayBuffer();
    });
  }

  it('lets the live view carry the key in its URL, where EventSource cannot send a header', async () => {
    for (const path of ['/live', '/v1/events']) {
      const refused = await fetch(`${service.url}${path}?key=wrong-key`);
      assert.equal(refused.status, 401, `${path} with a wrong key in the query`);
      await refused.arrayBuffer();
      const allowed = await fetch(`${service.url}${path}?key=${key}`);
      assert.equal(allowed.status, 200, `${path} with the key in the query`);
      await allowed.body?.cancel();
    }
    const summary = await fetch(`${service.url}/v1/span-summary?key=${key}`);
    assert.equal(summary.status, 401, 'other routes do not read the key from the query');
    await summary.arrayBuffer();
  });

  it('leaves /health open', async () => {
    const response = await fetch(`${service.url}/health`);
    assert.equal(response.status, 200, '/health without a key');
    await response.arrayBuffer();
  });
});

/** Runs `serve --summary-out <path>` and returns its exit code and stderr once it exits (or is stopped). */
async function serveWithSummary(path: string): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [BIN, 'serve', '--port', '0', '--quiet', '--summary-out', path], {
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'none' },
      timeout: 60_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return { code: failure.code ?? -1, stderr: failure.stderr ?? '' };
  }
}

describe('--summary-out path rule', () => {
  let folder: string;
  before(async () => {
    folder = await tempFolder('paths');
    await mkdir(join(folder, 'chosen'));
    await mkdir(join(folder, 'elsewhere'));
    await symlink(join(folder, 'elsewhere'), join(folder, 'chosen', 'linked'));
    await writeFile(join(folder, 'elsewhere', 'victim.txt'), 'keep me\n');
    await symlink(join(folder, 'elsewhere', 'victim.txt'), join(folder, 'chosen', 'planted.json'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  const refusals: Array<[string, (folder: string) => string, RegExp]> = [
    ['climbs with ..', (f) => `${join(f, 'chosen')}/../elsewhere/summary.json`, /'\.\.' is not allowed/],
    ['goes through a symlinked folder', (f) => join(f, 'chosen', 'linked', 'summary.json'), /symbolic link/],
    ['would replace a planted symlink', (f) => join(f, 'chosen', 'planted.json'), /not a regular file/],
    ['names a folder', (f) => `${join(f, 'chosen')}/`, /file name/],
    ['is in a missing folder', (f) => join(f, 'missing', 'summary.json'), /does not exist/],
    ['is in a folder that refuses writes', () => '/proc/x.json', /cannot write in folder \/proc/],
  ];
  for (const [name, path, message] of refusals) {
    it(`refuses a path that ${name} (exit 2, one line)`, async () => {
      const { code, stderr } = await serveWithSummary(path(folder));
      assert.equal(code, 2, `usage error exit code: ${stderr}`);
      assert.match(stderr, message, 'says why');
      assert.equal(stderr.trim().split('\n').length, 1, 'one line, no stack trace');
      assert.equal(
        await readFile(join(folder, 'elsewhere', 'victim.txt'), 'utf8'),
        'keep me\n',
        'nothing written elsewhere',
      );
    });
  }

  it('writes a plain path in a real folder', async () => {
    const target = join(folder, 'chosen', 'summary.json');
    const service = await startService(['--summary-out', target, '--summary-interval', '0']);
    const exited = once(service.child, 'exit');
    service.child.kill('SIGTERM');
    await exited;
    assert.equal(
      JSON.parse(await readFile(target, 'utf8')).schema_version,
      1,
      'the summary is where it was asked to be',
    );
    assert.deepEqual(
      (await readdir(join(folder, 'chosen'))).filter((name) => name.includes('probe')),
      [],
      'the write probe left nothing behind',
    );
  });
});

describe('span attribute length limit', () => {
  it(`defaults to ${DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT} characters unless the environment sets a limit`, () => {
    assert.deepEqual(
      spanLimits({}),
      { attributeValueLengthLimit: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT },
      'our default',
    );
    assert.deepEqual(
      spanLimits({ OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64' }),
      {},
      'the span-specific variable wins (NodeSDK reads it)',
    );
    assert.deepEqual(spanLimits({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '64' }), {}, 'the general variable wins too');
  });
});
