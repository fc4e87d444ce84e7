/**
 * What a worker task may ask about its surroundings while it runs, besides its payload: whether a
 * much shorter request's task has come into the pool (shorter-first.ts), so a task that can stop
 * between steps (a decoder slice) hands its thread and its CPU time over early.
 */
import { givesWay } from './shorter-first.ts';

/** The pool's shared cell and the task's own order, as the worker gets them with the task. */
export interface PreemptionCell {
  /** One Int32 on a SharedArrayBuffer: the fewest tasks left among the pool's tasks. */
  lowest: Int32Array;
  /** This task's own `order.remaining`. */
  remaining: number;
}

export interface TaskContext {
  /** Whether a task in the pool has so much less work left that this one should give way. */
  preempted(): boolean;
}

/** The context of a task sent with `cell` (none: never preempted). */
export function taskContext(cell: PreemptionCell | undefined): TaskContext {
  if (!cell) return { preempted: () => false };
  const { lowest, remaining } = cell;
  return { preempted: () => givesWay(remaining, Atomics.load(lowest, 0)) };
}
