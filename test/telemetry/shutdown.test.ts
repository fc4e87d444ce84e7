import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedShutdown } from '../../src/telemetry/shutdown.ts';

describe('boundedShutdown', () => {
  it('resolves when the shutdown settles, even by rejecting', async () => {
    await boundedShutdown(() => Promise.reject(new Error('collector down')), 60_000);
    let done = false;
    await boundedShutdown(async () => {
      done = true;
    }, 60_000);
    assert.equal(done, true, 'the shutdown ran');
  });

  it('gives up after the timeout when the shutdown hangs', async () => {
    let resolved = false;
    await boundedShutdown(() => new Promise(() => {}), 10).then(() => {
      resolved = true;
    });
    assert.equal(resolved, true, 'a hanging shutdown does not hang the caller');
  });
});
