/**
 * Admission control: at most `maxConcurrent` transcriptions run at once and at most `maxQueued`
 * wait; beyond that a request is refused at once with 503 + Retry-After instead of joining an
 * unbounded queue. A request asks for a processing slot only once its file has arrived: uploads
 * in reception have their own budget with a minimum rate (`reception`, upload-budget.ts), so a
 * slow client holds an upload place, never a processing slot. Bodies in memory are therefore at
 * most `maxUploads` in reception plus `maxConcurrent + maxQueued` waiting or running. Draining
 * refuses everything new. Its meters integrate running and waiting requests (`admission`,
 * capacity maxConcurrent) and bodies being received (`uploads`, capacity maxUploads).
 */

import { CodedError, ERROR_CODE } from '../core/errors.ts';
import { ResourceMeter } from '../telemetry/resource-meter.ts';
import { UploadBudget } from './upload-budget.ts';

export interface AdmissionOptions {
  maxConcurrent: number;
  maxQueued: number;
  /** Retry-After hint for refused requests, seconds. */
  retryAfterS: number;
  /** Most uploads in reception at once. */
  maxUploads: number;
  /** Least body rate, bytes/s, an upload must keep once its grace period is over. */
  minUploadBytesPerS: number;
  /** Time an upload has before the minimum rate applies, ms. */
  uploadGraceMs: number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
}

export class Admission {
  private readonly options: AdmissionOptions;
  private readonly waiting: Waiter[] = [];
  private running = 0;
  private open = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  /** Running requests (busy slots) and waiting ones over time. */
  readonly meter: ResourceMeter;
  /** The budget of uploads in reception. */
  readonly reception: UploadBudget;

  constructor(options: AdmissionOptions) {
    this.options = options;
    this.meter = new ResourceMeter('admission', options.maxConcurrent);
    this.reception = new UploadBudget({
      maxUploads: options.maxUploads,
      minBytesPerS: options.minUploadBytesPerS,
      graceMs: options.uploadGraceMs,
      retryAfterS: options.retryAfterS,
    });
  }

  /** Requests receiving their upload, over time. */
  get uploads(): ResourceMeter {
    return this.reception.meter;
  }

  /** Most requests that may run at once. */
  get maxConcurrent(): number {
    return this.options.maxConcurrent;
  }

  /** Requests running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Requests admitted by `enter` and not yet left: uploading, waiting or running. */
  get openRequests(): number {
    return this.open;
  }

  /**
   * Counts a request as open until the returned function (idempotent) lets it go, so a drain
   * waits for it. Throws 503 while draining. Capacity is checked later: by `reception` while the
   * body arrives, by `acquire` once it has.
   */
  enter(): () => void {
    if (this.draining) throw this.refusal('the service is shutting down', ERROR_CODE.DRAINING);
    this.open++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.open--;
      this.notifyIfIdle();
    };
  }

  /** Resolves with a release function once the request may run; rejects with 503 when full or draining. */
  acquire(): Promise<() => void> {
    if (this.draining) return Promise.reject(this.refusal('the service is shutting down', ERROR_CODE.DRAINING));
    if (this.running < this.options.maxConcurrent) return Promise.resolve(this.grant());
    if (this.waiting.length >= this.options.maxQueued)
      return Promise.reject(this.refusal('the service is at capacity; retry later', ERROR_CODE.OVERLOADED));
    this.meter.enqueue();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Stops admitting; queued requests are refused. Resolves when nothing runs or uploads any more. */
  drain(): Promise<void> {
    this.draining = true;
    for (const waiter of this.waiting.splice(0)) {
      this.meter.dequeue();
      waiter.reject(this.refusal('the service is shutting down', ERROR_CODE.DRAINING));
    }
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private idle(): boolean {
    return this.running === 0 && this.open === 0;
  }

  private notifyIfIdle(): void {
    if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private grant(): () => void {
    this.running++;
    this.meter.acquire();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.meter.release();
      const next = this.waiting.shift();
      if (next) {
        this.meter.dequeue();
        next.resolve(this.grant());
      } else this.notifyIfIdle();
    };
  }

  private refusal(message: string, code: typeof ERROR_CODE.DRAINING | typeof ERROR_CODE.OVERLOADED): CodedError {
    return new CodedError(message, { code, retryAfterS: this.options.retryAfterS });
  }
}
