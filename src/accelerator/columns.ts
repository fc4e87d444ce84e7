/**
 * The NPU's columns as a shared resource of the process: a pass leases one column for its whole
 * duration (as a hardware context holds its columns) and passes beyond the free columns wait in
 * FIFO order. Lowest free column first, so traces are reproducible. Its meter (`npu_columns`)
 * integrates leased columns and waiting passes for the summary's resources.
 */
import { ResourceMeter } from '../telemetry/resource-meter.ts';

interface Waiter {
  resolve(column: number): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface ColumnLease {
  column: number;
  /** Whether the pass had to queue for a column. */
  waited: boolean;
}

export class ColumnScheduler {
  readonly columns: number;
  /** Leased columns and waiting passes over time. */
  readonly meter: ResourceMeter;
  private readonly free: number[];
  private readonly waiters: Waiter[] = [];

  constructor(columns: number) {
    if (!Number.isInteger(columns) || columns < 1)
      throw new Error(`columns must be a positive integer, got ${columns}`);
    this.columns = columns;
    this.meter = new ResourceMeter('npu_columns', columns);
    this.free = Array.from({ length: columns }, (_, i) => i);
  }

  /** Columns currently leased. */
  get busy(): number {
    return this.columns - this.free.length;
  }

  /** Passes waiting for a column. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Leases a column, waiting for one when all are busy; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<ColumnLease> {
    signal?.throwIfAborted();
    const column = this.free.shift();
    if (column !== undefined) {
      this.meter.acquire();
      return Promise.resolve({ column, waited: false });
    }
    this.meter.enqueue();
    return new Promise<ColumnLease>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (leased) => resolve({ column: leased, waited: true }),
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          this.meter.dequeue();
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns a column: to the longest-waiting pass, or to the free set. */
  release(column: number): void {
    const next = this.waiters.shift();
    if (next) {
      // The column passes straight to the next pass: one waiter fewer, the same columns busy.
      this.meter.dequeue();
      next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve(column);
      return;
    }
    this.meter.release();
    this.free.push(column);
    this.free.sort((a, b) => a - b);
  }
}
