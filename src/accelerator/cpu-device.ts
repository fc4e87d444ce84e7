/**
 * The cpu device: kernels run for real, in the pool worker that runs the pass, on the buffer
 * objects' SharedArrayBuffer storage. Host and "device" share coherent memory, so a sync has
 * nothing to do; writes and reads are still real copies, and the timeline is the wall clock.
 */
import { nowMs } from '../telemetry/recorder.ts';
import { SharedBufferObject } from './buffer.ts';
import type { BufferObject, Device, Kernel, PhaseTrace } from './device.ts';

const owner = {
  host: <T>(fn: () => T): T => fn(),
  synced: (): void => {},
};

export class CpuDevice implements Device {
  readonly name = 'cpu';
  readonly column = undefined;

  now(): number {
    return nowMs();
  }

  host<T>(fn: () => T): T {
    return fn();
  }

  allocate(length: number): BufferObject {
    return new SharedBufferObject(length, owner);
  }

  run<A>(kernel: Kernel<A>, args: A, trace: PhaseTrace): void {
    kernel.execute(args, trace);
  }
}
