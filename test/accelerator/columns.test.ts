import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColumnScheduler } from '../../src/accelerator/columns.ts';

describe('ColumnScheduler', () => {
  it('leases free columns lowest first without waiting', async () => {
    const columns = new ColumnScheduler(3);
    assert.deepEqual(await columns.acquire(), { column: 0, waited: false }, 'first lease');
    assert.deepEqual(await columns.acquire(), { column: 1, waited: false }, 'second lease');
    columns.release(0);
    assert.deepEqual(await columns.acquire(), { column: 0, waited: false }, 'a released column is reused first');
    assert.equal(columns.busy, 2, 'two columns busy');
  });

  it('makes passes beyond the columns wait, and serves them in arrival order', async () => {
    const columns = new ColumnScheduler(1);
    await columns.acquire();
    const order: number[] = [];
    const second = columns.acquire().then((lease) => {
      order.push(2);
      return lease;
    });
    const third = columns.acquire().then((lease) => {
      order.push(3);
      return lease;
    });
    assert.equal(columns.queued, 2, 'two passes queued');
    columns.release(0);
    assert.deepEqual(await second, { column: 0, waited: true }, 'the first waiter gets the column');
    columns.release(0);
    assert.deepEqual(await third, { column: 0, waited: true }, 'then the next');
    assert.deepEqual(order, [2, 3], 'FIFO');
  });

  it('drops an aborted waiter from the queue and rejects it with the abort reason', async () => {
    const columns = new ColumnScheduler(1);
    await columns.acquire();
    const controller = new AbortController();
    const waiting = columns.acquire(controller.signal);
    controller.abort(new Error('client went away'));
    await assert.rejects(waiting, /client went away/, 'rejected with the reason');
    assert.equal(columns.queued, 0, 'no longer queued');
    columns.release(0);
    assert.equal(columns.busy, 0, 'the column went back to the free set, not to the aborted waiter');
  });

  it('refuses a non-positive column count', () => {
    assert.throws(() => new ColumnScheduler(0), /positive integer/, 'zero columns');
  });

  it('meters leased columns and waiting passes as npu_columns: a hand-over keeps the column busy', async () => {
    const columns = new ColumnScheduler(1);
    assert.equal(columns.meter.name, 'npu_columns', 'resource name');
    assert.equal(columns.meter.capacity, 1, 'capacity = columns');
    const first = await columns.acquire();
    const waiting = columns.acquire();
    assert.deepEqual([columns.meter.read().inUse, columns.meter.read().queued], [1, 1], 'one leased, one waiting');
    columns.release(first.column);
    const second = await waiting;
    assert.deepEqual(
      [columns.meter.read().inUse, columns.meter.read().queued],
      [1, 0],
      'handed over: still one leased, none waiting',
    );
    columns.release(second.column);
    assert.equal(columns.meter.read().inUse, 0, 'all free');
    assert.equal(columns.meter.takeQueueMax(), 1, 'at most one pass waited');
  });

  it('stops counting a waiter that gave up', async () => {
    const columns = new ColumnScheduler(1);
    await columns.acquire();
    const controller = new AbortController();
    const waiting = columns.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await assert.rejects(waiting, /gone/, 'the wait rejects with the reason');
    assert.equal(columns.meter.read().queued, 0, 'no waiter left in the meter');
  });
});
