/**
 * A fixed set of long-lived native recognisers (each holds its own loaded model; loading takes
 * about a third of a second, so it happens once at start, never per request). A request leases
 * one; when all are busy, requests wait in arrival order.
 */
import type { PocketSphinxAddon, RecognizerHandle } from './setup.ts';

interface Waiter {
  resolve(handle: RecognizerHandle): void;
  reject(reason: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

export class RecognizerPool {
  readonly size: number;
  private readonly addon: PocketSphinxAddon;
  private readonly handles: RecognizerHandle[];
  private readonly idle: RecognizerHandle[];
  private readonly waiters: Waiter[] = [];
  private closed = false;

  private constructor(addon: PocketSphinxAddon, handles: RecognizerHandle[]) {
    this.addon = addon;
    this.handles = handles;
    this.idle = [...handles];
    this.size = handles.length;
  }

  /** Loads `size` recognisers one after another (the library's logging setup is process-wide). */
  static async open(addon: PocketSphinxAddon, args: string[], size: number): Promise<RecognizerPool> {
    const handles: RecognizerHandle[] = [];
    try {
      for (let i = 0; i < size; i++) handles.push(await addon.open(args));
    } catch (error) {
      for (const handle of handles) addon.close(handle);
      throw error;
    }
    return new RecognizerPool(addon, handles);
  }

  /** Recognisers decoding right now. */
  get busy(): number {
    return this.size - this.idle.length;
  }

  /** Requests waiting for a recogniser. */
  get queued(): number {
    return this.waiters.length;
  }

  /** A free recogniser, waiting for one if needed; rejects with the signal's reason on abort. */
  acquire(signal: AbortSignal): Promise<RecognizerHandle> {
    if (this.closed) return Promise.reject(new Error('PocketSphinx engine is closed'));
    if (signal.aborted) return Promise.reject(signal.reason);
    const handle = this.idle.pop();
    if (handle) return Promise.resolve(handle);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns a recogniser once its native work has finished. */
  release(handle: RecognizerHandle): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.idle.push(handle);
      return;
    }
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(handle);
  }

  /** Rejects waiting requests and frees every recogniser (a running decode frees its own when done). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new Error('PocketSphinx engine is closed'));
    }
    for (const handle of this.handles) this.addon.close(handle);
  }
}
