/**
 * Buffer objects backed by SharedArrayBuffers. Writes and reads are real copies, as `bo.write`
 * and `bo.read` are; what a sync costs is up to the device that owns the buffer.
 *
 * A freed buffer's storage serves the next buffer of the same size on the same thread, zeroed.
 * Every encoder pass allocates its buffers (4 MB a 30 s window); garbage collection frees a
 * SharedArrayBuffer only when it runs, and worker threads running pass after pass let hundreds of
 * megabytes of them wait for it (docs/reliability.md, memory per upload).
 */
import type { BufferObject, SyncDirection } from './device.ts';

/** The owning device's view of its buffers' host work and syncs. */
export interface BufferOwner {
  /** Runs a host-side copy (npu-sim advances its timeline by the real time it took). */
  host<T>(fn: () => T): T;
  synced(bytes: number, direction: SyncDirection): void;
}

/** Freed storage by length, on this thread. */
const spare = new Map<number, Float32Array[]>();
/** Freed storages kept per length: a pass uses at most three buffers. */
const MAX_SPARE = 4;

function takeStorage(length: number): Float32Array {
  const reused = spare.get(length)?.pop();
  if (reused) return reused.fill(0);
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

export class SharedBufferObject implements BufferObject {
  readonly length: number;
  readonly bytes: number;
  readonly storage: Float32Array;
  private readonly owner: BufferOwner;
  private freed = false;

  constructor(length: number, owner: BufferOwner) {
    this.length = length;
    this.bytes = length * Float32Array.BYTES_PER_ELEMENT;
    this.storage = takeStorage(length);
    this.owner = owner;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    const list = spare.get(this.length) ?? [];
    if (list.length < MAX_SPARE) list.push(this.storage);
    spare.set(this.length, list);
  }

  write(source: Float32Array, offset = 0): void {
    if (offset < 0 || offset + source.length > this.length) {
      throw new RangeError(
        `bo.write of ${source.length} elements at ${offset} overflows a ${this.length}-element buffer`,
      );
    }
    this.owner.host(() => this.storage.set(source, offset));
  }

  sync(direction: SyncDirection, bytes = this.bytes): void {
    if (bytes < 0 || bytes > this.bytes)
      throw new RangeError(`bo.sync of ${bytes} bytes on a ${this.bytes}-byte buffer`);
    this.owner.synced(bytes, direction);
  }

  read(target: Float32Array): Float32Array {
    if (target.length > this.length)
      throw new RangeError(`bo.read of ${target.length} elements from a ${this.length}-element buffer`);
    this.owner.host(() => target.set(this.storage.subarray(0, target.length)));
    return target;
  }
}
