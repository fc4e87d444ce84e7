/**
 * The worker pool that keeps CPU stages (audio decode, mel, encoder passes, the decoder) off the
 * event loop. Built on piscina; each task carries the caller's detail level, and the stages the
 * worker recorded are replayed as spans under the context that was active when `run` was called,
 * so concurrent requests each get their own worker spans in their own trace.
 */
import os from 'node:os';
import { context } from '@opentelemetry/api';
import { Piscina } from 'piscina';
import { siblingModule } from '../telemetry/module-file.ts';
import { replaySpans, stageDetail, stagesEnabled } from '../telemetry/stage.ts';
import { serviceErrorFromData } from '../service/errors.ts';
import type { TaskName } from './tasks.ts';
import type { TaskFailure, TaskMessage, TaskReply } from './worker.ts';

export type { TaskName } from './tasks.ts';

export interface WorkerPool {
  /** Runs a task in a worker thread; replays the stages the worker recorded as spans under the
   *  context active at the call; rethrows a ServiceError thrown in the worker as a ServiceError. */
  run<T>(task: TaskName, payload: unknown, options?: { signal?: AbortSignal }): Promise<T>;
  readonly threads: number;
  close(): Promise<void>;
}

function toError(failure: TaskFailure): unknown {
  return failure.kind === 'service' ? serviceErrorFromData(failure.data) : failure.error;
}

/**
 * Starts the pool with `threads` workers (default and maximum: os.availableParallelism(), since
 * more threads than cores only adds contention). Queueing is unbounded here: admission control
 * belongs to the service.
 */
export function createWorkerPool(options: { threads?: number } = {}): WorkerPool {
  const cores = os.availableParallelism();
  const threads = Math.max(1, Math.min(cores, options.threads ?? cores));
  const piscina = new Piscina<TaskMessage, TaskReply>({
    filename: siblingModule(import.meta.url, './worker').href,
    minThreads: threads,
    maxThreads: threads,
  });
  return {
    threads,
    async run<T>(task: TaskName, payload: unknown, runOptions: { signal?: AbortSignal } = {}): Promise<T> {
      const parent = context.active();
      const message: TaskMessage = { task, payload, detail: stageDetail(), enabled: stagesEnabled() };
      const reply = await piscina.run(message, runOptions.signal ? { signal: runOptions.signal } : {});
      replaySpans(reply.records, parent);
      if (!reply.ok) throw toError(reply.failure);
      return reply.result as T;
    },
    close: () => piscina.close(),
  };
}
