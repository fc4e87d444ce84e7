/**
 * Busy time and queue length of one shared resource (the worker pool's threads, the NPU's
 * columns, admission slots), as running integrals. The owner of the resource calls `acquire` /
 * `release` and `enqueue` / `dequeue` as units are taken and waiters come and go; readers take
 * `read()` at two moments and divide the differences (utilization = busy time / capacity / time).
 *
 * It imports nothing: the rollup processor reads it through the structural `ResourceSource` type,
 * so lower folders can meter their resources without depending on the rollups.
 */

/** Cumulative figures of a resource since its meter was made. */
export interface ResourceReading {
  /** performance.now() of the reading. */
  atMs: number;
  /** Unit-milliseconds busy so far. */
  busyMs: number;
  /** Waiter-milliseconds spent queued so far. */
  queueMs: number;
  /** Most waiters at once since the last `takeQueueMax()`. */
  queueMax: number;
  inUse: number;
  queued: number;
}

/** What a reader needs of a metered resource. */
export interface ResourceSource {
  readonly name: string;
  readonly capacity: number;
  read(): ResourceReading;
  /** Returns the most waiters at once since the previous call and starts a new maximum. */
  takeQueueMax(): number;
}

/** Meters one resource; see the module comment. Cheap enough to call on every acquire. */
export class ResourceMeter implements ResourceSource {
  readonly name: string;
  readonly capacity: number;
  #inUse = 0;
  #queued = 0;
  #queueMax = 0;
  #busyMs = 0;
  #queueMs = 0;
  #lastMs: number;

  constructor(name: string, capacity: number) {
    this.name = name;
    this.capacity = capacity;
    this.#lastMs = performance.now();
  }

  /** One unit became busy. */
  acquire(): void {
    this.#advance();
    this.#inUse++;
  }

  /** One unit became free. */
  release(): void {
    this.#advance();
    if (this.#inUse > 0) this.#inUse--;
  }

  /** One waiter joined the queue. */
  enqueue(): void {
    this.#advance();
    this.#queued++;
    if (this.#queued > this.#queueMax) this.#queueMax = this.#queued;
  }

  /** One waiter left the queue (served or gave up). */
  dequeue(): void {
    this.#advance();
    if (this.#queued > 0) this.#queued--;
  }

  read(): ResourceReading {
    this.#advance();
    return {
      atMs: this.#lastMs,
      busyMs: this.#busyMs,
      queueMs: this.#queueMs,
      queueMax: Math.max(this.#queueMax, this.#queued),
      inUse: this.#inUse,
      queued: this.#queued,
    };
  }

  takeQueueMax(): number {
    const max = Math.max(this.#queueMax, this.#queued);
    this.#queueMax = this.#queued;
    return max;
  }

  #advance(): void {
    const now = performance.now();
    const elapsed = now - this.#lastMs;
    if (elapsed > 0) {
      this.#busyMs += elapsed * this.#inUse;
      this.#queueMs += elapsed * this.#queued;
    }
    this.#lastMs = now;
  }
}
