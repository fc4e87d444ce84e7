/**
 * The soak, short: `scripts/soak.ts` at 16 streams for a few seconds after a short warm-up. No
 * request may fail and the service must exit cleanly. The RSS bound here is loose (25%): in the
 * first minute V8's heap and compiled code are still settling; the 10% bound is for the
 * ten-minute run (`npm run soak -- --minutes 10`, figures in docs/reliability.md).
 */

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempFolder } from './helpers.ts';

const run = promisify(execFile);
const SOAK = fileURLToPath(new URL('../../scripts/soak.ts', import.meta.url));

interface Figures {
  requests: number;
  failures: number;
  rss_growth: number;
  rss_baseline_bytes: number;
  rss_end_bytes: number;
  service_exit_code: number;
}

describe('soak (short)', () => {
  it('serves 16 streams with no failure and no runaway memory', async (t) => {
    const folder = await tempFolder('soak');
    const out = join(folder, 'soak.json');
    try {
      const { stdout } = await run(
        process.execPath,
        [SOAK, '--seconds', '15', '--warmup-s', '5', '--streams', '16', '--max-rss-growth', '0.25', '--out', out],
        { timeout: 240_000 },
      );
      t.diagnostic(stdout.trim().split('\n').slice(1).join(' | '));
      const figures = JSON.parse(await readFile(out, 'utf8')) as Figures;
      assert.ok(figures.requests >= 16, `a real load (${figures.requests} requests)`);
      assert.equal(figures.failures, 0, 'no request failed');
      assert.ok(figures.rss_baseline_bytes > 0 && figures.rss_end_bytes > 0, 'RSS measured');
      assert.ok(figures.rss_growth < 0.25, `RSS growth ${(figures.rss_growth * 100).toFixed(1)}%`);
      assert.equal(figures.service_exit_code, 0, 'the service exits cleanly');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
