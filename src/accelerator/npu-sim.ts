/**
 * The simulated NPU, as seen from inside one encoder pass (in a pool worker). It keeps a virtual
 * timeline for the column the pass holds: host-side work (buffer copies, CPU ops between launches)
 * advances it by the real time it took, device work (syncs, launches) by the timing model. Nothing
 * sleeps here; the main thread sleeps once, until the pass's modelled end (see accelerator.ts), so
 * timer granularity never distorts individual operations.
 *
 * Kernels produce their cheap surrogate output: computing a Whisper encoder numerically on the
 * host would defeat the point of a simulator.
 */
import { performance } from 'node:perf_hooks';
import { nowMs } from '../telemetry/recorder.ts';
import { SharedBufferObject } from './buffer.ts';
import type { BufferObject, Device, Kernel, PhaseTrace } from './device.ts';
import { kernelMs, type NpuTiming, syncMs } from './npu-timing.ts';

export class NpuSimDevice implements Device {
  readonly name = 'npu-sim';
  readonly column: number;
  private readonly timing: NpuTiming;
  private cursor: number;

  constructor(column: number, timing: NpuTiming) {
    this.column = column;
    this.timing = timing;
    this.cursor = nowMs();
  }

  now(): number {
    return this.cursor;
  }

  host<T>(fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.cursor += performance.now() - started;
    }
  }

  allocate(length: number): BufferObject {
    return new SharedBufferObject(length, {
      host: (fn) => this.host(fn),
      synced: (bytes) => {
        this.cursor += syncMs(this.timing, bytes);
      },
    });
  }

  run<A>(kernel: Kernel<A>, args: A, trace: PhaseTrace): void {
    kernel.surrogate(args);
    const plan = kernel.plan(args);
    const start = this.cursor;
    const launchMs = this.timing.launchOverheadUs / 1e3;
    this.cursor = start + kernelMs(this.timing, plan);
    if (!plan.phases || plan.flops <= 0) return;
    // Layers share the busy time in proportion to their arithmetic.
    const busyMs = this.cursor - start - launchMs;
    let at = start + launchMs;
    for (const phase of plan.phases) {
      const endMs = at + (busyMs * phase.flops) / plan.flops;
      trace.place(phase.layer, at, endMs);
      at = endMs;
    }
  }
}
