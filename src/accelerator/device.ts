/**
 * The device interface, shaped like XRT's native API so that the offload code reads like the
 * original service's host code: allocate buffer objects, `write` + `sync(TO_DEVICE)`, run a kernel
 * and wait, `sync(FROM_DEVICE)` + `read`. Devices live in pool workers; each encoder pass opens
 * one for its duration (see open-device.ts).
 */
import type { KernelCost, NpuTiming } from './npu-timing.ts';

/** The devices an encoder pass can run on: the simulated NPU, or the kernels run for real on the CPU. */
export const DEVICES = ['npu-sim', 'cpu'] as const;
export type DeviceName = (typeof DEVICES)[number];
/** How the encoder drives the device: one fused kernel per pass, or one launch per matrix multiply. */
export const OFFLOADS = ['fused', 'matmul'] as const;
export type OffloadMode = (typeof OFFLOADS)[number];
export type SyncDirection = 'to_device' | 'from_device';

/** A buffer object (xrt::bo) of float32 elements, backed by a SharedArrayBuffer. */
export interface BufferObject {
  readonly length: number;
  readonly bytes: number;
  /** The device-side contents, which kernels read and write. */
  readonly storage: Float32Array;
  /** bo.write: copies host data into the buffer (a real copy). */
  write(source: Float32Array, offset?: number): void;
  /** bo.sync: makes the first `bytes` (default: all) coherent for the device or for the host. */
  sync(direction: SyncDirection, bytes?: number): void;
  /** bo.read: copies the first `target.length` elements out to host memory (a real copy). */
  read(target: Float32Array): Float32Array;
  /** Ends the buffer (XRT frees a bo when it goes out of scope): it must not be used after. */
  free(): void;
}

/** One consecutive stretch of a multi-layer kernel; `layer` undefined for work outside the layers. */
export interface KernelPhase {
  layer: number | undefined;
  flops: number;
}

/** A kernel's cost, with its phases in execution order when it spans several layers. */
export interface KernelPlan extends KernelCost {
  phases?: readonly KernelPhase[];
}

/**
 * Where a multi-layer kernel reports its phases: run for real (cpu) or placed on a modelled
 * timeline (npu-sim). `layer` undefined is the work outside the layers (the convolution front end).
 */
export interface PhaseTrace {
  run<T>(layer: number | undefined, fn: () => T): T;
  place(layer: number | undefined, startMs: number, endMs: number): void;
}

/** A device kernel (an xclbin kernel): its real computation, a cheap stand-in for the simulator, and its cost. */
export interface Kernel<A> {
  readonly name: string;
  plan(args: A): KernelPlan;
  /** Computes the real result into the output buffer's storage. */
  execute(args: A, trace: PhaseTrace): void;
  /** Writes a cheap deterministic stand-in result (npu-sim: the timing is modelled, not the numbers). */
  surrogate(args: A): void;
}

export interface Device {
  readonly name: DeviceName;
  /** The NPU column this pass holds (npu-sim), undefined on the cpu device. */
  readonly column: number | undefined;
  /** The device timeline, epoch ms: modelled on npu-sim, the wall clock on cpu. */
  now(): number;
  allocate(length: number): BufferObject;
  /** kernel(...) followed by run.wait(). */
  run<A>(kernel: Kernel<A>, args: A, trace: PhaseTrace): void;
  /** Host-side work between launches (LayerNorm, softmax, GELU...), timed as real host time. */
  host<T>(fn: () => T): T;
}

/** Which device a pass runs on, as carried in a worker task payload. */
export interface DeviceTarget {
  device: DeviceName;
  offload: OffloadMode;
  /** The leased NPU column (npu-sim). */
  column: number | undefined;
  timing: NpuTiming;
}
