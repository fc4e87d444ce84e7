/**
 * Holds a task back while much shorter work is in the pool. Ordering the queue (fair-queue.ts)
 * decides who gets a free thread; it does not stop a long request's next task from taking the other
 * thread while a short request's task runs, and then three threads share two cores, and the
 * service's threads share the CPU time the kernel grants the process (with autogroup, one share per
 * session): the short task ran at a third of its speed alone. So a task whose request has
 * SHORTER_FACTOR times more work left than some task in the pool waits until that task has left,
 * at most MAX_HOLD_MS, so a stream of short requests slows a long one down but never stops it.
 * The wait is part of the task's `worker.queue_wait`.
 *
 * A task already running when the short one comes can stop too, if it can stop between steps (a
 * decoder slice): the fewest tasks left in the pool are in a cell shared with the worker threads
 * (`lowest`), and task-context.ts tells a running task when it is held back by the same rule.
 */

/** How much more work left than a task in the pool holds a task back. */
export const SHORTER_FACTOR = 4;
/** The longest a task is held back at once. */
export const MAX_HOLD_MS = 1000;

/** The shared cell's value while no ordered task is in the pool. */
export const NONE_IN_POOL = 0x7fffffff;

/** Whether a task with `remaining` work left gives way to one with `other` left. */
export const givesWay = (remaining: number, other: number): boolean => other * SHORTER_FACTOR < remaining;

/** The `remaining` of every ordered task in the pool, and the tasks held back until it changes. */
export class ShorterFirst {
  /** The fewest tasks left among the pool's tasks, shared with the worker threads. */
  readonly lowest = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)).fill(NONE_IN_POOL);
  private readonly inPool: number[] = [];
  private readonly held = new Set<() => void>();

  /** Counts a task (its `remaining`) as in the pool until `leave` is called with the same value. */
  enter(remaining: number): void {
    this.inPool.push(remaining);
    this.publish();
  }

  leave(remaining: number): void {
    const index = this.inPool.indexOf(remaining);
    if (index >= 0) this.inPool.splice(index, 1);
    this.publish();
    for (const wake of [...this.held]) wake();
  }

  /** Whether a task with `remaining` work left would be held back now. */
  holds(remaining: number): boolean {
    return this.inPool.some((other) => givesWay(remaining, other));
  }

  private publish(): void {
    const lowest = this.inPool.reduce((min, other) => Math.min(min, Math.max(0, Math.ceil(other))), NONE_IN_POOL);
    Atomics.store(this.lowest, 0, lowest);
  }

  /** Resolves once no task in the pool is much shorter than `remaining`, after MAX_HOLD_MS, or on abort. */
  async clear(remaining: number, signal?: AbortSignal): Promise<void> {
    const until = performance.now() + MAX_HOLD_MS;
    while (this.holds(remaining) && !signal?.aborted) {
      const left = until - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.held.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        signal?.addEventListener('abort', done, { once: true });
        this.held.add(done);
      });
    }
  }
}
