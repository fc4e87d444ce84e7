/**
 * A real Prometheus server (the Debian `prometheus` binary) scraping one target, with exemplar
 * storage on, for tests of GET /metrics. Prometheus has nothing to wait on but its API, so such
 * tests poll it with waitUntil.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './wait.ts';

const PROMETHEUS = '/usr/bin/prometheus';

export interface RunningPrometheus {
  url: string;
  /** GET /api/v1/<path> with query parameters; fails the test unless the status is success. */
  api<T>(path: string, parameters: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (Prometheus cannot listen on port 0 and report it). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Starts Prometheus scraping `target` (host:port) every second as job `amanuensis`; resolves once it is ready. */
export async function startPrometheus(
  target: string,
  options: { bearerToken?: string } = {},
): Promise<RunningPrometheus> {
  const folder = await mkdtemp(join(tmpdir(), 'prometheus-'));
  const config = join(folder, 'prometheus.yml');
  const authorization = options.bearerToken ? ['    authorization:', `      credentials: ${options.bearerToken}`] : [];
  await writeFile(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: amanuensis',
      ...authorization,
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const stderr: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(folder, { recursive: true, force: true });
  };
  try {
    await waitUntil('Prometheus to be ready', async () => (await fetch(`${url}/-/ready`)).ok, {
      timeoutMs: 60_000,
      intervalMs: 200,
      retryErrors: true,
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; prometheus said: ${stderr.join('').slice(-500)}`);
  }
  return {
    url,
    async api<T>(path: string, parameters: Record<string, string>): Promise<T> {
      const response = await fetch(`${url}/api/v1/${path}?${new URLSearchParams(parameters)}`);
      const body = (await response.json()) as { status: string; data: T; error?: string };
      assert.equal(body.status, 'success', `${path} ${JSON.stringify(parameters)} succeeds (${body.error ?? ''})`);
      return body.data;
    },
    stop,
  };
}
