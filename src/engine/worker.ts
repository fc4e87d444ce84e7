/**
 * Entry module of every pool worker. Runs one task with a StageRecorder built from the detail
 * level the caller had when it submitted the task, and returns the result together with the
 * recorded stages. Failures come back as data rather than as a thrown error, so the stages
 * recorded before the failure still reach the trace, and a ServiceError keeps its status and code
 * (structured clone would keep only an Error's name and message).
 */
import { StageRecorder, type StageRecord } from '../telemetry/recorder.ts';
import type { Detail } from '../telemetry/names.ts';
import { ServiceError, serviceErrorToData, type ServiceErrorData } from '../service/errors.ts';
import { findTask } from './tasks.ts';

/** What the pool posts for each task. */
export interface TaskMessage {
  task: string;
  payload: unknown;
  detail: Detail;
  enabled: boolean;
}

/** How a task failed: a ServiceError as data, or any other error (cloned by the structured clone algorithm). */
export type TaskFailure = { kind: 'service'; data: ServiceErrorData } | { kind: 'error'; error: unknown };

/** What the worker answers. */
export type TaskReply =
  | { ok: true; result: unknown; records: StageRecord[] }
  | { ok: false; failure: TaskFailure; records: StageRecord[] };

export default function runTask(message: TaskMessage): TaskReply {
  const recorder = new StageRecorder(message.detail, message.enabled);
  const task = findTask(message.task);
  if (!task) return { ok: false, failure: { kind: 'error', error: new Error(`unknown worker task '${message.task}'`) }, records: [] };
  try {
    return { ok: true, result: task(message.payload, recorder), records: recorder.records };
  } catch (error) {
    const failure: TaskFailure = error instanceof ServiceError ? { kind: 'service', data: serviceErrorToData(error) } : { kind: 'error', error };
    return { ok: false, failure, records: recorder.records };
  }
}
