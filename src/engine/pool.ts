/**
 * The worker pool that keeps CPU stages (audio decode, mel, encoder passes, the decoder) off the
 * event loop. Built on piscina; each task carries the caller's detail level, and the stages the
 * worker recorded are replayed as spans under the context that was active when `run` was called,
 * so concurrent requests each get their own worker spans in their own trace.
 *
 * Around them every task gets `worker.queue_wait` (submission until a worker thread starts it),
 * `worker.setup` / `worker.finish` (its code outside its stages) and `worker.reply` (the answer
 * reaching the awaiting code), so time spent on or waiting for the pool is a named span, never a
 * gap in the caller's stage.
 */
import os from 'node:os';
import { type Context, context } from '@opentelemetry/api';
import { Piscina } from 'piscina';
import { codedErrorFromData } from '../core/errors.ts';
import { handoffFrom, handoffTo } from '../telemetry/handoff.ts';
import { siblingModule } from '../telemetry/module-file.ts';
import { ATTR, SPAN } from '../telemetry/names.ts';
import { nowMs, StageRecorder } from '../telemetry/recorder.ts';
import { ResourceMeter, type ResourceSource } from '../telemetry/resource-meter.ts';
import { injectedDelays, openStage, replaySpans, stageDetail, stagesEnabled } from '../telemetry/stage.ts';
import { ShortestRemainingQueue, type TaskOrder, withOrder } from './fair-queue.ts';
import { ShorterFirst } from './shorter-first.ts';
import type { TaskName } from './tasks.ts';
import type { TaskFailure, TaskMessage, TaskReply } from './worker.ts';

export { type TaskOrder, uploadTasks } from './fair-queue.ts';
export type { TaskName } from './tasks.ts';

/** How one task runs: `signal` aborts it; `order` places it in the queue (see fair-queue.ts). */
export interface RunOptions {
  signal?: AbortSignal;
  order?: TaskOrder;
  /** Buffers of the payload to move to the worker rather than copy (transfer.ts); they are
   *  detached here once the task is submitted. */
  transfer?: ArrayBuffer[];
}

export interface WorkerPool {
  /** Runs a task in a worker thread; replays the stages the worker recorded as spans under the
   *  context active at the call; rethrows a CodedError thrown in the worker as a CodedError. */
  run<T>(task: TaskName, payload: unknown, options?: RunOptions): Promise<T>;
  readonly threads: number;
  /** Busy threads and queued tasks over time, as `worker_pool` (capacity: threads). */
  readonly meter: ResourceSource;
  close(): Promise<void>;
}

function toError(failure: TaskFailure): unknown {
  return failure.kind === 'coded' ? codedErrorFromData(failure.data) : failure.error;
}

/**
 * Tasks in the pool as piscina runs them: at most `threads` at once, the rest queued. A
 * thread counts as busy until the main thread has taken its answer, because only then does
 * piscina hand it the next task.
 */
class PoolOccupancy {
  readonly meter: ResourceMeter;
  private inPool = 0;

  constructor(threads: number) {
    this.meter = new ResourceMeter('worker_pool', threads);
  }

  /** Counts a submitted task; returns how many tasks were queued when it came (the queue is not FIFO: some may start after it). */
  submit(): number {
    const ahead = Math.max(0, this.inPool - this.meter.capacity);
    if (this.inPool++ < this.meter.capacity) this.meter.acquire();
    else this.meter.enqueue();
    return ahead;
  }

  /** Counts a task that left the pool (answered, failed or aborted): a queued one takes its thread. */
  settle(): void {
    if (--this.inPool >= this.meter.capacity) this.meter.dequeue();
    else this.meter.release();
  }
}

/** When a task's stages began and ended, top-level ones only (children lie within them), and which ended last. */
function stagesExtent(reply: TaskReply): { startMs: number; endMs: number; last: string } | undefined {
  let extent: { startMs: number; endMs: number; last: string } | undefined;
  for (const record of reply.records) {
    if (record.parent !== -1) continue;
    if (!extent) extent = { startMs: record.startMs, endMs: record.endMs, last: record.name };
    else {
      extent.startMs = Math.min(extent.startMs, record.startMs);
      if (record.endMs >= extent.endMs) Object.assign(extent, { endMs: record.endMs, last: record.name });
    }
  }
  return extent;
}

/** Where one task's time went, as the pool saw it. */
interface TaskTiming {
  task: TaskName;
  submittedMs: number;
  queued: number;
  threads: number;
}

/**
 * Replays a task under `parent`: `worker.queue_wait`, `worker.setup` (the task's code before its
 * first stage), its stages, `worker.finish` (after its last stage) and, last, `worker.reply`
 * until now. The reply span is opened before it ends, so it holds the replay of the others and
 * its own start (the caller resumes only after them). The answer counts as ready at the later of
 * the task's end and its last stage's end: a modelled device timeline may run past the worker's
 * return, and until then the time is that timeline's.
 */
function replayTask(parent: Context, timing: TaskTiming, reply: TaskReply): void {
  const waits = new StageRecorder(stageDetail(), stagesEnabled());
  if (!waits.wants('medium')) {
    replaySpans(reply.records, parent);
    return;
  }
  const { task, submittedMs } = timing;
  const own = { [ATTR.POOL_TASK]: task };
  const extent = stagesExtent(reply);
  const readyMs = Math.max(reply.endMs, extent?.endMs ?? reply.endMs);
  const answer = nowMs() > readyMs ? openStage(SPAN.WORKER_REPLY, 'medium', readyMs, own, parent) : undefined;
  waits.add(SPAN.WORKER_QUEUE_WAIT, 'medium', submittedMs, Math.max(submittedMs, reply.startMs), {
    ...own,
    [ATTR.POOL_QUEUED]: timing.queued,
    [ATTR.POOL_THREADS]: timing.threads,
  });
  if (extent && extent.startMs > reply.startMs)
    waits.add(SPAN.WORKER_SETUP, 'medium', reply.startMs, extent.startMs, own);
  if (extent && reply.endMs > extent.endMs) waits.add(SPAN.WORKER_FINISH, 'medium', extent.endMs, reply.endMs, own);
  replaySpans(waits.records, parent);
  replaySpans(reply.records, parent);
  if (answer) {
    const answeredMs = nowMs();
    answer.end(answeredMs);
    handoffFrom(SPAN.WORKER_REPLY, answeredMs, parent);
  } else if (extent && extent.endMs >= reply.endMs) handoffFrom(extent.last, extent.endMs, parent);
  else handoffFrom(SPAN.WORKER_FINISH, reply.endMs, parent);
}

/**
 * Starts the pool with `threads` workers (default and maximum: os.availableParallelism(), since
 * more threads than cores only adds contention). Queueing is unbounded here: admission control
 * belongs to the service. Queued tasks start shortest remaining first (fair-queue.ts).
 */
export function createWorkerPool(options: { threads?: number } = {}): WorkerPool {
  const cores = os.availableParallelism();
  const threads = Math.max(1, Math.min(cores, options.threads ?? cores));
  const piscina = new Piscina<TaskMessage, TaskReply>({
    filename: siblingModule(import.meta.url, './worker').href,
    minThreads: threads,
    maxThreads: threads,
    taskQueue: new ShortestRemainingQueue(),
  });
  const shorterFirst = new ShorterFirst();
  const occupancy = new PoolOccupancy(threads);
  return {
    threads,
    meter: occupancy.meter,
    async run<T>(task: TaskName, payload: unknown, runOptions: RunOptions = {}): Promise<T> {
      const parent = context.active();
      const delays = injectedDelays(parent);
      const { order } = runOptions;
      const message: TaskMessage = withOrder(
        {
          task,
          payload,
          detail: stageDetail(),
          enabled: stagesEnabled(),
          ...(delays ? { delays } : {}),
          ...(order ? { preemption: { lowest: shorterFirst.lowest, remaining: order.remaining } } : {}),
        },
        order,
      );
      const submittedMs = nowMs();
      if (order) await shorterFirst.clear(order.remaining, runOptions.signal);
      const queued = occupancy.submit();
      if (order) shorterFirst.enter(order.remaining);
      let reply: TaskReply;
      try {
        const answered = piscina.run(message, {
          ...(runOptions.signal ? { signal: runOptions.signal } : {}),
          ...(runOptions.transfer?.length ? { transferList: runOptions.transfer } : {}),
        });
        handoffTo(SPAN.WORKER_QUEUE_WAIT, submittedMs, parent);
        reply = await answered;
      } finally {
        occupancy.settle();
        if (order) shorterFirst.leave(order.remaining);
      }
      replayTask(parent, { task, submittedMs, queued, threads }, reply);
      if (!reply.ok) throw toError(reply.failure);
      return reply.result as T;
    },
    close: () => piscina.close(),
  };
}
