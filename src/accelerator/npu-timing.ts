/**
 * The timing model of the simulated XDNA2-class NPU (AMD Ryzen AI 300 "Strix Point"). Every
 * default names its source; docs/accelerator.md discusses them. A plain object, so it crosses
 * the worker boundary in a task payload.
 */

export interface NpuTiming {
  /** Columns that run passes concurrently; one pass holds one column (one hardware context). */
  columns: number;
  /** Fixed cost of one kernel dispatch and wait (XRT `kernel(...)` + `run.wait()`), microseconds. */
  launchOverheadUs: number;
  /** Fixed cost of one `bo.sync`, microseconds. */
  syncLatencyUs: number;
  /** Rate of the cache maintenance behind `bo.sync` (flush/invalidate of the BO range), GB/s. */
  syncGBps: number;
  /** Shim DMA rate between DDR and one column, per direction, GB/s. */
  dmaGBps: number;
  /** Sustained matrix throughput of one column, GFLOP/s. */
  computeGflops: number;
}

/**
 * Defaults and where they come from:
 * - columns 8: XDNA2's compute array is 4 rows × 8 columns (32 AIE-ML v2 tiles), per
 *   "Striking the Balance: GEMM Performance Optimization Across Generations of Ryzen AI NPUs"
 *   (Taka et al., arXiv 2512.13282, §2).
 * - launchOverheadUs 45: an empty kernel called through XRT (`kernel()` + `wait()`) on a Ryzen AI
 *   NPU took about 45 µs (Xilinx/mlir-aie issue #2381, also filed as Xilinx/XRT#9018).
 * - syncLatencyUs 0.6 and syncGBps 63.5: amdxdna driver measurements on npu4 (Strix), driver-owned
 *   BO: a 4 KiB sync took 0.6 µs and a 16 MiB sync 264 µs, i.e. 63.5 GB/s (amd/xdna-driver PR #1541).
 * - dmaGBps 8: an AIE-ML interface (shim) tile has two MM2S and two S2MM channels of 4 bytes per
 *   cycle each, 8 GB/s read and 8 GB/s write at 1 GHz (AMD AM020, "Array Interface DMA").
 *   Conservative: XDNA2 clocks above 1 GHz.
 * - computeGflops 1839: the best bf16 GEMM measured on the whole XDNA2 array, 14.71 TFLOP/s
 *   (arXiv 2512.13282), divided by its 8 columns.
 */
export const DEFAULT_NPU_TIMING: Readonly<NpuTiming> = Object.freeze({
  columns: 8,
  launchOverheadUs: 45,
  syncLatencyUs: 0.6,
  syncGBps: 63.5,
  dmaGBps: 8,
  computeGflops: 1839,
});

/** What a kernel launch costs the device: arithmetic and the bytes its DMA streams in and out. */
export interface KernelCost {
  flops: number;
  bytesIn: number;
  bytesOut: number;
}

/** Modelled duration of one `bo.sync` of `bytes`, ms. */
export function syncMs(timing: NpuTiming, bytes: number): number {
  return timing.syncLatencyUs / 1e3 + bytes / (timing.syncGBps * 1e6);
}

/**
 * Modelled duration of one launch, ms: dispatch overhead plus the longer of compute and DMA,
 * which overlap (the kernels double-buffer their tiles, as the GEMMs of arXiv 2512.13282 do).
 */
export function kernelMs(timing: NpuTiming, cost: KernelCost): number {
  const computeMs = cost.flops / (timing.computeGflops * 1e6);
  const dmaMs = Math.max(cost.bytesIn, cost.bytesOut) / (timing.dmaGBps * 1e6);
  return timing.launchOverheadUs / 1e3 + Math.max(computeMs, dmaMs);
}

/** Merges overrides into the defaults and rejects values that would make the model meaningless. */
export function resolveTiming(overrides: Partial<NpuTiming> = {}): NpuTiming {
  const timing = { ...DEFAULT_NPU_TIMING, ...overrides };
  if (!Number.isInteger(timing.columns) || timing.columns < 1)
    throw new Error(`npu-sim columns must be a positive integer, got ${timing.columns}`);
  for (const key of ['syncGBps', 'dmaGBps', 'computeGflops'] as const) {
    if (!(timing[key] > 0)) throw new Error(`npu-sim ${key} must be positive, got ${timing[key]}`);
  }
  for (const key of ['launchOverheadUs', 'syncLatencyUs'] as const) {
    if (!(timing[key] >= 0)) throw new Error(`npu-sim ${key} must be zero or more, got ${timing[key]}`);
  }
  return timing;
}
