/**
 * Entry module of every pool worker. Runs one task with a StageRecorder built from the detail
 * level the caller had when it submitted the task, and returns the result together with the
 * recorded stages. Failures come back as data rather than as a thrown error, so the stages
 * recorded before the failure still reach the trace, and a CodedError keeps its code and param
 * (structured clone would keep only an Error's name and message).
 */

import { CodedError, type CodedErrorData, codedErrorToData } from '../core/errors.ts';
import type { InjectedDelays } from '../telemetry/injected-delay.ts';
import type { Detail } from '../telemetry/names.ts';
import { nowMs, type StageRecord, StageRecorder } from '../telemetry/recorder.ts';
import { type PreemptionCell, taskContext } from './task-context.ts';
import { findTask } from './tasks.ts';
import { Moved, movable } from './transfer.ts';

/** What the pool posts for each task. */
export interface TaskMessage {
  task: string;
  payload: unknown;
  detail: Detail;
  enabled: boolean;
  /** The request's `--inject-delay` plan, when it has one. */
  delays?: InjectedDelays;
  /** The queue's shared cell and this task's order, for tasks that stop when shorter work waits. */
  preemption?: PreemptionCell;
}

/** How a task failed: a CodedError as data, or any other error (cloned by the structured clone algorithm). */
export type TaskFailure = { kind: 'coded'; data: CodedErrorData } | { kind: 'error'; error: unknown };

/** When the worker thread started and finished the task, epoch ms (nowMs), for the pool's wait spans. */
export interface TaskTimes {
  startMs: number;
  endMs: number;
}

/** What the worker answers. */
export type TaskReply =
  | ({ ok: true; result: unknown; records: StageRecord[] } & TaskTimes)
  | ({ ok: false; failure: TaskFailure; records: StageRecord[] } & TaskTimes);

export default function runTask(message: TaskMessage): TaskReply {
  const startMs = nowMs();
  const recorder = new StageRecorder(message.detail, message.enabled, message.delays);
  const task = findTask(message.task);
  if (!task)
    return {
      ok: false,
      failure: { kind: 'error', error: new Error(`unknown worker task '${message.task}'`) },
      records: [],
      startMs,
      endMs: nowMs(),
    };
  try {
    const result = task(message.payload, recorder, taskContext(message.preemption));
    // A task that returns Moved hands its large arrays over instead of having them cloned.
    if (result instanceof Moved) {
      const reply: TaskReply = { ok: true, result: result.value, records: recorder.records, startMs, endMs: nowMs() };
      return movable(reply, result.buffers) as TaskReply;
    }
    return { ok: true, result, records: recorder.records, startMs, endMs: nowMs() };
  } catch (error) {
    const failure: TaskFailure =
      error instanceof CodedError ? { kind: 'coded', data: codedErrorToData(error) } : { kind: 'error', error };
    return { ok: false, failure, records: recorder.records, startMs, endMs: nowMs() };
  }
}
