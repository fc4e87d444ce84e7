import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '../../src/core/errors.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';
import {
  ADMIT_WAIT_MS,
  CHECK_INTERVAL_MS,
  isTooSlow,
  UploadBudget,
  type UploadTicket,
} from '../../src/service/upload-budget.ts';

/** A clock the test moves by hand: uploads age without the test waiting. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let ms = 1000;
  return {
    now: () => ms,
    advance: (by) => {
      ms += by;
    },
  };
}

describe('UploadBudget', () => {
  it('meters uploads in reception as `uploads` with capacity maxUploads', () => {
    const budget = new UploadBudget({ maxUploads: 2, minBytesPerS: 1000, graceMs: 60_000, retryAfterS: 1 });
    assert.deepEqual([budget.meter.name, budget.meter.capacity], ['uploads', 2], 'name and capacity');
    const ticket = budget.enter();
    assert.deepEqual([budget.receiving, budget.meter.read().inUse], [1, 1], 'one place taken');
    ticket.leave();
    ticket.leave();
    assert.deepEqual([budget.receiving, budget.meter.read().inUse], [0, 0], 'left once, however often called');
  });

  it('when full, gives a newcomer the place of the upload furthest behind the minimum rate', () => {
    const clock = manualClock();
    const budget = new UploadBudget({ maxUploads: 2, minBytesPerS: 1000, graceMs: 60_000, retryAfterS: 1, ...clock });
    const keeping = budget.enter();
    const trickling = budget.enter();
    keeping.received(10_000);
    trickling.received(1);
    clock.advance(150);
    const newcomer = budget.enter();
    assert.ok(trickling.signal.aborted, 'the trickling upload was displaced');
    assert.ok(isTooSlow(trickling.signal.reason), `answered as too slow: ${trickling.signal.reason}`);
    assert.equal(toErrorEnvelope(trickling.signal.reason).status, 408, '408');
    assert.equal(keeping.signal.aborted, false, 'the upload keeping the rate stays');
    assert.equal(budget.receiving, 2, 'still full');
    keeping.leave();
    newcomer.leave();
  });

  it('refuses a newcomer with 503 + Retry-After when no upload is behind, or all are too young to judge', () => {
    const budget = new UploadBudget({ maxUploads: 1, minBytesPerS: 1000, graceMs: 60_000, retryAfterS: 2 });
    const young = budget.enter();
    assert.throws(
      () => budget.enter(),
      (error: unknown) =>
        error instanceof CodedError &&
        toErrorEnvelope(error).status === 503 &&
        error.code === 'overloaded' &&
        error.retryAfterS === 2,
      '503 overloaded with the Retry-After hint',
    );
    assert.equal(young.signal.aborted, false, 'an upload younger than a round trip is not displaced');
    young.leave();
  });

  it('lets a newcomer wait, when every place is too young to judge, until one can be judged and displaced', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const clock = manualClock();
    const budget = new UploadBudget({ maxUploads: 1, minBytesPerS: 1000, graceMs: 60_000, retryAfterS: 1, ...clock });
    const trickling = budget.enter();
    trickling.received(1);
    let admitted: UploadTicket | undefined;
    const newcomer = budget.admit().then((ticket) => {
      admitted = ticket;
      return ticket;
    });
    await Promise.resolve();
    assert.equal(admitted, undefined, 'not admitted while the only place is too young to judge');
    clock.advance(ADMIT_WAIT_MS / 2);
    t.mock.timers.tick(ADMIT_WAIT_MS / 2);
    (await newcomer).leave();
    assert.ok(
      trickling.signal.aborted && isTooSlow(trickling.signal.reason),
      'the trickler was displaced, as too slow',
    );
  });

  it('refuses a waiting newcomer with 503 once the places it waited for keep the rate', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const clock = manualClock();
    const budget = new UploadBudget({ maxUploads: 1, minBytesPerS: 1000, graceMs: 60_000, retryAfterS: 1, ...clock });
    const fast = budget.enter();
    fast.received(1_000_000);
    const newcomer = assert.rejects(
      budget.admit(),
      (error: unknown) => toErrorEnvelope(error).status === 503,
      'refused with 503 after the wait',
    );
    await Promise.resolve();
    clock.advance(ADMIT_WAIT_MS);
    t.mock.timers.tick(ADMIT_WAIT_MS);
    await newcomer;
    assert.equal(fast.signal.aborted, false, 'the upload keeping the rate stays');
    fast.leave();
  });

  it('drops an upload that falls behind the minimum rate once its grace period is over', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const clock = manualClock();
    const budget = new UploadBudget({ maxUploads: 4, minBytesPerS: 1000, graceMs: 200, retryAfterS: 1, ...clock });
    const slow = budget.enter();
    slow.received(10);
    clock.advance(200);
    t.mock.timers.tick(CHECK_INTERVAL_MS);
    assert.equal(slow.signal.aborted, false, 'kept through its grace period');
    clock.advance(CHECK_INTERVAL_MS);
    t.mock.timers.tick(CHECK_INTERVAL_MS);
    assert.ok(slow.signal.aborted, 'dropped at the first check after it fell behind');
    assert.ok(isTooSlow(slow.signal.reason), 'dropped as too slow');
    assert.equal(budget.receiving, 0, 'its place is free');
  });
});
