/**
 * Buffer objects backed by SharedArrayBuffers. Writes and reads are real copies, as `bo.write`
 * and `bo.read` are; what a sync costs is up to the device that owns the buffer.
 */
import type { BufferObject, SyncDirection } from './device.ts';

/** The owning device's view of its buffers' host work and syncs. */
export interface BufferOwner {
  /** Runs a host-side copy (npu-sim advances its timeline by the real time it took). */
  host<T>(fn: () => T): T;
  synced(bytes: number, direction: SyncDirection): void;
}

export class SharedBufferObject implements BufferObject {
  readonly length: number;
  readonly bytes: number;
  readonly storage: Float32Array;
  private readonly owner: BufferOwner;

  constructor(length: number, owner: BufferOwner) {
    this.length = length;
    this.bytes = length * Float32Array.BYTES_PER_ELEMENT;
    this.storage = new Float32Array(new SharedArrayBuffer(this.bytes));
    this.owner = owner;
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
