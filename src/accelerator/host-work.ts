/**
 * The host-side work of a many-launch pass (convolutions, LayerNorm, attention scores, softmax,
 * GELU, bias adds: the CPU ops between launches), timed on the device timeline so it sits between
 * the launches where it happened. At `fine` each run of host calls between two launches (or a
 * layer's edge) becomes one `npu.host_compute` span; at `medium` its total joins the pass's
 * aggregate spans (see recordTotals). Without it that time would be a gap under `encoder`.
 */
import { ATTR, SPAN } from '../telemetry/names.ts';
import type { StageAttributes, StageRecorder } from '../telemetry/recorder.ts';
import type { Device } from './device.ts';
import type { LaunchTotals } from './offload.ts';

export class HostWork {
  private readonly rec: StageRecorder;
  private readonly device: Device;
  private readonly totals: LaunchTotals;
  private readonly attributes: StageAttributes;
  private pendingStartMs: number | undefined;
  private pendingEndMs = 0;

  constructor(rec: StageRecorder, device: Device, totals: LaunchTotals) {
    this.rec = rec;
    this.device = device;
    this.totals = totals;
    this.attributes = { [ATTR.DEVICE]: device.name };
    if (device.column !== undefined) this.attributes[ATTR.NPU_COLUMN] = device.column;
  }

  /** Runs `fn` as host work (npu-sim advances its timeline by the real time it took). */
  run<T>(fn: () => T): T {
    const startMs = this.device.now();
    try {
      return this.device.host(fn);
    } finally {
      const endMs = this.device.now();
      this.totals.host.ms += endMs - startMs;
      this.totals.firstStartMs ??= startMs;
      this.pendingStartMs ??= startMs;
      this.pendingEndMs = endMs;
    }
  }

  /**
   * Records the host calls since the last flush as one span under the current stage. Called
   * before each launch and at each layer's end, so a span never straddles a launch or a layer.
   */
  flush(): void {
    if (this.pendingStartMs === undefined) return;
    this.rec.add(SPAN.NPU_HOST_COMPUTE, 'fine', this.pendingStartMs, this.pendingEndMs, { ...this.attributes });
    this.pendingStartMs = undefined;
  }
}
