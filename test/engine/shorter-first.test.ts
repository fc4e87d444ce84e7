import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_HOLD_MS, NONE_IN_POOL, SHORTER_FACTOR, ShorterFirst } from '../../src/engine/shorter-first.ts';
import { taskContext } from '../../src/engine/task-context.ts';

describe('ShorterFirst', () => {
  it('holds a task back while a much shorter one is in the pool, and lets it go when that one leaves', async () => {
    const gate = new ShorterFirst();
    gate.enter(3);
    assert.equal(gate.holds(3 * SHORTER_FACTOR), false, 'not held by a task with a factor less work');
    assert.equal(gate.holds(1000), true, 'held by a much shorter task');
    let released = false;
    const held = gate.clear(1000).then(() => {
      released = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released, false, 'still held while the short task is in the pool');
    gate.leave(3);
    await held;
    assert.equal(released, true, 'released when it left');
  });

  it('holds a task at most MAX_HOLD_MS, and not past an abort', async () => {
    const gate = new ShorterFirst();
    gate.enter(1);
    const started = performance.now();
    await gate.clear(1000);
    const heldMs = performance.now() - started;
    assert.ok(heldMs >= MAX_HOLD_MS - 5, `held about MAX_HOLD_MS (${heldMs.toFixed(0)} ms)`);
    const controller = new AbortController();
    const aborted = gate.clear(1000, controller.signal);
    controller.abort();
    const abortStarted = performance.now();
    await aborted;
    assert.ok(performance.now() - abortStarted < MAX_HOLD_MS / 2, 'an abort ends the hold');
  });

  it('publishes the fewest remaining in the pool, which tells a running longer task to give way', () => {
    const gate = new ShorterFirst();
    const running = taskContext({ lowest: gate.lowest, remaining: 1000 });
    gate.enter(1000);
    assert.equal(running.preempted(), false, 'only itself in the pool');
    gate.enter(600);
    assert.equal(running.preempted(), false, 'a task with less, but not much less, work left');
    gate.enter(3);
    assert.equal(Atomics.load(gate.lowest, 0), 3, 'the short one is the lowest');
    assert.equal(running.preempted(), true, 'a much shorter task in the pool');
    gate.leave(3);
    assert.equal(running.preempted(), false, 'once it has left, nothing much shorter is there');
    gate.leave(600);
    gate.leave(1000);
    assert.equal(Atomics.load(gate.lowest, 0), NONE_IN_POOL, 'empty pool');
    assert.equal(taskContext(undefined).preempted(), false, 'a task without an order never gives way');
  });
});
