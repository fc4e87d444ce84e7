/**
 * The upload fuzzer, a few hundred seeded cases (`npm run fuzz` runs thousands): never a 5xx, a
 * hang or a crash, and the service is healthy and exits cleanly afterwards.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningService, startService } from '../support/service.ts';
import { FUZZ_SERVE_ARGS } from './fuzz-cases.ts';
import { runFuzz } from './fuzz-run.ts';
import { health } from './helpers.ts';

const SEED = 7;
const CASES = 500;

describe('upload fuzzing', () => {
  let service: RunningService;
  before(async () => {
    service = await startService([...FUZZ_SERVE_ARGS]);
  });
  after(() => service.stop());

  it(`answers ${CASES} mutated uploads (seed ${SEED}) without a 5xx, a hang or a crash`, async (t) => {
    const report = await runFuzz(service.url, { seed: SEED, cases: CASES });
    t.diagnostic(`statuses ${JSON.stringify(report.statuses)}`);
    assert.deepEqual(
      report.failures,
      [],
      `no failures (reproduce with: npm run fuzz -- --seed ${SEED} --cases ${CASES})`,
    );
    assert.ok(
      (report.statuses['200'] ?? 0) > 0 && Object.keys(report.statuses).length > 2,
      `the cases reach both the decoder's errors and success: ${JSON.stringify(report.statuses)}`,
    );
    assert.equal(service.child.exitCode, null, 'the service is still running');
    assert.equal((await health(service.url)).status, 'ok', 'and healthy');
    assert.equal(await service.stop(), 0, 'and exits cleanly');
  });
});
