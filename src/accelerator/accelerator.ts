/**
 * The main-thread side of the accelerator: runs an offloaded pass on the configured device through
 * the pass runner it is given (the engine's, which runs the pass as a worker task; so the
 * accelerator needs no engine). On npu-sim it first leases a column (recording the wait as
 * `npu.queue_wait`, near zero when a column was free, so every pass has one and the rollups see
 * the zeros too), then lets the worker compute the pass on its virtual timeline, and finally
 * sleeps until that timeline's end before giving the column back -- one real-time wait per pass.
 * What the sleep overruns the modelled end by (timer granularity, a busy event loop) is
 * `npu.completion_wait`, so the encoder's time stays covered by named spans to its end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { handoffFrom, handoffTo } from '../telemetry/handoff.ts';
import { ATTR, SPAN } from '../telemetry/names.ts';
import { nowMs } from '../telemetry/recorder.ts';
import type { ResourceSource } from '../telemetry/resource-meter.ts';
import { openStage } from '../telemetry/stage.ts';
import { type ColumnLease, ColumnScheduler } from './columns.ts';
import type { DeviceName, DeviceTarget, OffloadMode } from './device.ts';
import { type NpuTiming, resolveTiming } from './npu-timing.ts';

/** What every pass task returns: the end of its device timeline, epoch ms. */
export interface PassResult {
  endMs: number;
}

/** A pass's payload as it reaches the worker: the caller's fields plus the device it runs on. */
export type PassPayload = Record<string, unknown> & { target: DeviceTarget };

/** Where a pass goes in the runner's queue: the pool tasks its request still has, this one included (fewer first). */
export interface PassOrder {
  remaining: number;
}

/** Runs one pass off the main thread and resolves with its result; rejects when `signal` aborts it. */
export type PassRunner = <R extends PassResult>(
  payload: PassPayload,
  signal: AbortSignal | undefined,
  order?: PassOrder,
) => Promise<R>;

export interface AcceleratorOptions {
  runPass: PassRunner;
  device: DeviceName;
  offload: OffloadMode;
  /** npu-sim columns; default DEFAULT_NPU_TIMING.columns. */
  columns?: number;
  /** Overrides of the npu-sim timing model. */
  timing?: Partial<NpuTiming>;
}

export interface Accelerator {
  readonly device: DeviceName;
  readonly offload: OffloadMode;
  readonly timing: NpuTiming;
  /** Runs a pass with `payload` plus `target` (the device it runs on); see the module comment. */
  run<R extends PassResult>(payload: Record<string, unknown>, signal?: AbortSignal, order?: PassOrder): Promise<R>;
  /** Facts for /health and span attributes. */
  describe(): Record<string, string | number | boolean>;
  /** The NPU columns' meter (npu-sim), undefined on the cpu device. */
  readonly meter: ResourceSource | undefined;
}

/** Sleeps until the wall clock reaches `endMs` (libuv timers run on a millisecond loop clock and may fire early). */
async function sleepUntil(endMs: number, signal: AbortSignal | undefined): Promise<void> {
  for (let remainingMs = endMs - nowMs(); remainingMs > 0; remainingMs = endMs - nowMs()) {
    await sleep(Math.ceil(remainingMs), undefined, signal ? { signal } : {});
  }
}

export function createAccelerator(options: AcceleratorOptions): Accelerator {
  const { runPass, device, offload } = options;
  const timing = resolveTiming(
    options.columns === undefined ? options.timing : { ...options.timing, columns: options.columns },
  );
  const scheduler = device === 'npu-sim' ? new ColumnScheduler(timing.columns) : undefined;

  async function runOnColumn<R extends PassResult>(
    columns: ColumnScheduler,
    payload: Record<string, unknown>,
    signal?: AbortSignal,
    order?: PassOrder,
  ): Promise<R> {
    // Both waits are opened before they end, so their bookkeeping falls inside them, not after.
    const queuedMs = nowMs();
    const queueWait = openStage(SPAN.NPU_QUEUE_WAIT, 'medium', queuedMs, { [ATTR.NPU_COLUMNS]: columns.columns });
    let lease: ColumnLease;
    try {
      const leased = columns.acquire(signal);
      handoffTo(SPAN.NPU_QUEUE_WAIT, queuedMs);
      lease = await leased;
      queueWait?.setAttribute(ATTR.NPU_COLUMN, lease.column);
    } finally {
      const leasedMs = nowMs();
      queueWait?.end(leasedMs);
      handoffFrom(SPAN.NPU_QUEUE_WAIT, leasedMs);
    }
    try {
      const target: DeviceTarget = { device, offload, column: lease.column, timing };
      const result = await runPass<R>({ ...payload, target }, signal, order);
      // Until the modelled end (or the worker's answer, if that came later) the pass's own spans cover the time.
      const waitMs = Math.max(result.endMs, nowMs());
      const completionWait = openStage(SPAN.NPU_COMPLETION_WAIT, 'medium', waitMs, {
        [ATTR.NPU_COLUMN]: lease.column,
        [ATTR.NPU_COLUMNS]: columns.columns,
      });
      try {
        const slept = sleepUntil(result.endMs, signal);
        handoffTo(SPAN.NPU_COMPLETION_WAIT, waitMs);
        await slept;
      } finally {
        const completedMs = nowMs();
        completionWait?.end(completedMs);
        handoffFrom(SPAN.NPU_COMPLETION_WAIT, completedMs);
      }
      return result;
    } finally {
      columns.release(lease.column);
    }
  }

  return {
    device,
    offload,
    timing,
    run<R extends PassResult>(payload: Record<string, unknown>, signal?: AbortSignal, order?: PassOrder): Promise<R> {
      if (scheduler) return runOnColumn<R>(scheduler, payload, signal, order);
      const target: DeviceTarget = { device, offload, column: undefined, timing };
      return runPass<R>({ ...payload, target }, signal, order);
    },
    meter: scheduler?.meter,
    describe() {
      const facts: Record<string, string | number | boolean> = { device, offload };
      if (scheduler) facts.columns = timing.columns;
      return facts;
    },
  };
}
