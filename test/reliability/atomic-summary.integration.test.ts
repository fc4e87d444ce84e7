/**
 * Summary files are written atomically: the service is killed with SIGKILL at seeded random
 * moments while it rewrites its summary every few milliseconds under load, and the file left
 * behind is always a whole, valid summary document.
 */

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/core/random.ts';
import { parseSummary } from '../../src/rollup/validate.ts';
import { startService } from '../support/service.ts';
import { waitUntil } from '../support/wait.ts';
import { clipWav, postWav, tempFolder } from './helpers.ts';

const ROUNDS = 4;
const SEED = 20261127;
/** Rewrite the summary every 5 ms: a write is nearly always in progress when the kill lands. */
const INTERVAL_S = 0.005;

describe('atomic summary writes', () => {
  it(`leaves a whole JSON summary after kill -9 at ${ROUNDS} random moments`, async (t) => {
    const random = mulberry32(SEED);
    const folder = await tempFolder('atomic');
    const file = join(folder, 'span-summary.json');
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const service = await startService(['--summary-out', file, '--summary-interval', String(INTERVAL_S)]);
        try {
          await waitUntil('the first summary file', () => stat(file).then(Boolean, () => false), { intervalMs: 20 });
          // Requests in flight, so the document grows and changes between writes.
          const requests = [postWav(service.url, clipWav('1s')), postWav(service.url, clipWav('1s'))].map((p) =>
            p.then((r) => r.arrayBuffer()).catch(() => undefined),
          );
          const delayMillis = Math.floor(random() * 1500);
          await new Promise((resolve) => setTimeout(resolve, delayMillis));
          const exited = once(service.child, 'exit');
          service.child.kill('SIGKILL');
          await exited;
          await Promise.all(requests);
          const text = await readFile(file, 'utf8');
          assert.doesNotThrow(
            () => parseSummary(text),
            `round ${round}: a whole, valid summary after kill -9 at +${delayMillis} ms (${text.length} bytes)`,
          );
          t.diagnostic(`round ${round}: killed at +${delayMillis} ms, ${text.length} bytes intact`);
        } finally {
          await service.stop();
        }
      }
      const names = await readdir(folder);
      assert.ok(names.includes('span-summary.json'), 'the summary is where it was asked to be');
      assert.ok(
        names.every((name) => name === 'span-summary.json' || /^\.span-summary\.json\.\d+\.\d+\.tmp$/.test(name)),
        `only the summary and interrupted temporaries: ${names.join(', ')}`,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
