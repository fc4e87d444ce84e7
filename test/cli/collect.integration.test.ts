/**
 * `amanuensis collect` as a command: --help with its defaults, bad usage exit 2, and a run that
 * receives an export, serves its rollups and writes the final summary file on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import type { SpanSummaryDocument } from '../../src/rollup/document.ts';
import { BIN } from '../support/service.ts';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const EXPORT = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'any' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              name: 'GET /',
              kind: 2,
              startTimeUnixNano: '1544712660000000000',
              endTimeUnixNano: '1544712660250000000',
            },
          ],
        },
      ],
    },
  ],
};

describe('amanuensis collect', () => {
  it('prints --help with the defaults and exits 0', () => {
    const result = cli('collect', '--help');
    assert.equal(result.status, 0, `exit code: ${result.stderr}`);
    for (const text of [/default:\s+"127\.0\.0\.1"/, /default:\s+4318/, /--completion-wait/, /--summary-out/])
      assert.match(result.stdout, text, `--help shows ${text}`);
  });

  for (const [what, args, message] of [
    ['an invalid port', ['--port', '99999'], /--port.*0 to 65535/],
    ['a negative completion wait', ['--completion-wait', '-1'], /--completion-wait.*non-negative/],
    ['a body limit of 0', ['--max-body-mb', '0'], /--max-body-mb/],
    ['a summary-out that climbs', ['--summary-out', '../x.json'], /'\.\.' is not allowed/],
  ] as const) {
    it(`refuses ${what} with one line and exit 2`, () => {
      const result = cli('collect', ...args);
      assert.equal(result.status, 2, `exit code 2: ${result.stderr}`);
      assert.match(result.stderr, message, 'names the problem');
      assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
    });
  }

  it('receives an export, serves it, and writes the final summary on SIGTERM', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'collect-'));
    try {
      const out = join(folder, 'summary.json');
      const child = spawn(
        process.execPath,
        [
          BIN,
          'collect',
          '--port',
          '0',
          '--grpc-port',
          'off',
          '--summary-out',
          out,
          '--summary-interval',
          '0',
          '--completion-wait',
          '60',
          '--quiet',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exitedEarly = once(child, 'exit').then(([code]) => {
        throw new Error(`collect exited (${code}) before listening`);
      });
      const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), 'line'), exitedEarly])) as [
        string,
      ];
      const url = /listening on (\S+)/.exec(line)?.[1];
      assert.ok(url, `the listening line names the URL: ${line}`);
      const response = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(EXPORT),
      });
      assert.equal(response.status, 200, 'export accepted');
      const health = (await (await fetch(`${url}/health`)).json()) as { spans: number; waiting_spans: number };
      assert.deepEqual([health.spans, health.waiting_spans], [1, 1], 'one span, waiting for its trace to complete');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0, 'exits 0 on SIGTERM');
      const document = JSON.parse(await readFile(out, 'utf8')) as SpanSummaryDocument;
      assert.deepEqual(
        document.spans.map((entry) => [entry.name, entry.count, entry.max_ms]),
        [['GET /', 1, 250]],
        'the waiting trace rolled up at shutdown, in the final summary',
      );
      assert.equal(document.requests[0]?.count, 1, 'as a request');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
