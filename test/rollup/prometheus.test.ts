/**
 * GET /metrics in real use: a Prometheus server (the Debian `prometheus` binary) scrapes the
 * service, and its histogram_quantile(0.99, ...) for `transcribe` agrees with the span summary's
 * p99 within the resolution of the histogram's buckets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUCKET_RATIO, spanDurationBoundaries, SPAN_DURATION_METRIC } from '../../src/rollup/metrics.ts';
import { parseSummary } from '../../src/rollup/validate.ts';
import { startService, transcribe, type RunningService } from '../support/service.ts';
import { speechWav } from '../support/speech.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const REQUESTS = 24;

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

interface VectorResult {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(prometheusUrl: string, expression: string): Promise<number | undefined> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expression)}`);
  const body = (await response.json()) as VectorResult;
  assert.equal(body.status, 'success', `query ${expression} succeeds`);
  const value = body.data.result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

/** Polls until `check` returns a value or `timeoutMs` passes. */
async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Prometheus scraping /metrics', () => {
  let service: RunningService;
  let prometheus: ChildProcess | undefined;
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'prometheus-'));
    service = await startService();
  });
  after(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      await exited;
    }
    await service.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('histogram_quantile(0.99) for transcribe agrees with the summary p99 within a bucket', { timeout: 180_000 }, async (t) => {
    const wav = await speechWav('prometheus scrapes the service', { sampleRateHz: 16000 });
    const responses = await Promise.all(Array.from({ length: REQUESTS }, () => transcribe(service.url, wav)));
    await Promise.all(responses.map((response) => response.arrayBuffer()));
    assert.deepEqual(responses.map((r) => r.status), new Array(REQUESTS).fill(200), 'every request served');

    const target = new URL(service.url).host;
    const port = await freePort();
    const config = join(folder, 'prometheus.yml');
    await writeFile(
      config,
      ['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: amanuensis', '    static_configs:', `      - targets: ['${target}']`, ''].join('\n'),
    );
    const stderr: string[] = [];
    prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(folder, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prometheus.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const prometheusUrl = `http://127.0.0.1:${port}`;
    await poll('Prometheus to be ready', async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined), 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; prometheus said: ${stderr.join('').slice(-500)}`);
    });

    const selector = `${SPAN_DURATION_METRIC}_bucket{span_name="transcribe"}`;
    await poll('a scrape with every transcribe span', async () => ((await query(prometheusUrl, `${SPAN_DURATION_METRIC}_count{span_name="transcribe"}`)) === REQUESTS ? true : undefined), 60_000);
    const prometheusP99 = await query(prometheusUrl, `histogram_quantile(0.99, ${selector})`);
    assert.ok(prometheusP99 !== undefined && Number.isFinite(prometheusP99), `histogram_quantile answers (${prometheusP99})`);

    const summary = parseSummary(await (await fetch(`${service.url}/v1/span-summary`)).text());
    const transcribeEntry = summary.spans.find((entry) => entry.name === 'transcribe')!;
    assert.equal(transcribeEntry.count, REQUESTS, 'the summary saw the same spans');
    const summaryP99 = transcribeEntry.p99_ms;

    // histogram_quantile interpolates inside the bucket that holds the rank; the summary's value
    // lies in that bucket too (up to the sketch's 1%), so they differ by at most one bucket width.
    const boundaries = spanDurationBoundaries();
    const upper = boundaries.find((bound) => bound >= prometheusP99!)!;
    const lower = boundaries[boundaries.indexOf(upper) - 1] ?? 0;
    t.diagnostic(`prometheus p99 ${prometheusP99} ms, summary p99 ${summaryP99} ms, bucket (${lower}, ${upper}]`);
    assert.ok(
      summaryP99 >= lower * 0.99 && summaryP99 <= upper * 1.01,
      `summary p99 ${summaryP99} ms lies in Prometheus's bucket (${lower}, ${upper}] around its ${prometheusP99} ms`,
    );
    assert.ok(Math.abs(prometheusP99! - summaryP99) / summaryP99 <= BUCKET_RATIO - 1 + 0.01, 'so they agree within one bucket ratio');
  });
});
