/**
 * The traced XRT round trip of one kernel launch -- write + sync each input (`npu.buffer_transfer`),
 * run + wait (`npu.kernel_execution`), sync + read the output (`npu.result_retrieval`) -- with span
 * times taken from the device timeline (modelled on npu-sim, real on cpu).
 */
import { ATTR, type Detail, SPAN } from '../telemetry/names.ts';
import type { StageAttributes, StageRecorder } from '../telemetry/recorder.ts';
import type { BufferObject, Device, Kernel, PhaseTrace } from './device.ts';

/**
 * Runs `fn` as stage `name` with start and end read from the device clock rather than the wall
 * clock, so modelled device time lands in the trace where the model put it.
 */
export function deviceStage<T>(
  rec: StageRecorder,
  device: Device,
  name: string,
  level: Detail,
  attributes: StageAttributes,
  fn: () => T,
): T {
  if (!rec.wants(level)) return fn();
  const startMs = device.now();
  const index = rec.records.length;
  try {
    return rec.run(name, level, fn, attributes);
  } finally {
    const record = rec.records[index];
    if (record) {
      record.startMs = startMs;
      record.endMs = device.now();
    }
  }
}

/** A kernel phase's stage: `encoder.layer` with its layer, or `encoder.conv` for the front end. */
function phaseStage(layer: number | undefined): [string, StageAttributes] {
  return layer === undefined ? [SPAN.ENCODER_CONV, {}] : [SPAN.ENCODER_LAYER, { [ATTR.NPU_LAYER]: layer }];
}

/** Reports a multi-layer kernel's phases as `encoder.conv` and `encoder.layer` stages (level 'fine'). */
export function layerTrace(rec: StageRecorder, device: Device): PhaseTrace {
  return {
    run: (layer, fn) => {
      const [name, attributes] = phaseStage(layer);
      return deviceStage(rec, device, name, 'fine', attributes, fn);
    },
    place: (layer, startMs, endMs) => {
      const [name, attributes] = phaseStage(layer);
      rec.add(name, 'fine', startMs, endMs, attributes);
    },
  };
}

/** One input of a launch: host data and the buffer object it is written to. */
export interface Upload {
  bo: BufferObject;
  data: Float32Array;
}

export interface Launch<A> {
  kernel: Kernel<A>;
  args: A;
  inputs: readonly Upload[];
  output: BufferObject;
  /** Host array the output is read into; its length is what is read back. */
  result: Float32Array;
  layer?: number;
}

/** Time and volume of one kind of operation, summed over a pass's launches. */
export interface OperationTotal {
  ms: number;
  bytes: number;
}

/** What a pass's launches add up to, for the aggregate spans of `--detail medium` in matmul mode. */
export class LaunchTotals {
  launches = 0;
  flops = 0;
  firstStartMs: number | undefined;
  readonly transfer: OperationTotal = { ms: 0, bytes: 0 };
  readonly kernel: OperationTotal = { ms: 0, bytes: 0 };
  readonly retrieval: OperationTotal = { ms: 0, bytes: 0 };
  /** CPU ops between launches (see HostWork); bytes unused. */
  readonly host: OperationTotal = { ms: 0, bytes: 0 };
}

/**
 * Runs one launch as its XRT sequence, recording the three stages at `level`, and adds it to
 * `totals` when given.
 */
export function offload<A>(
  device: Device,
  rec: StageRecorder,
  launch: Launch<A>,
  level: Detail,
  totals?: LaunchTotals,
): void {
  const { kernel, args, inputs, output, result, layer } = launch;
  const base: StageAttributes = { [ATTR.NPU_KERNEL]: kernel.name, [ATTR.DEVICE]: device.name };
  if (layer !== undefined) base[ATTR.NPU_LAYER] = layer;
  if (device.column !== undefined) base[ATTR.NPU_COLUMN] = device.column;
  const plan = kernel.plan(args);
  let inBytes = 0;
  for (const input of inputs) inBytes += input.data.byteLength;
  const outBytes = result.byteLength;

  const t0 = device.now();
  deviceStage(
    rec,
    device,
    SPAN.NPU_BUFFER_TRANSFER,
    level,
    { ...base, [ATTR.NPU_BYTES]: inBytes, [ATTR.NPU_DIRECTION]: 'to_device' },
    () => {
      for (const input of inputs) input.bo.write(input.data);
      for (const input of inputs) input.bo.sync('to_device', input.data.byteLength);
    },
  );
  const t1 = device.now();
  deviceStage(
    rec,
    device,
    SPAN.NPU_KERNEL_EXECUTION,
    level,
    { ...base, [ATTR.NPU_FLOPS]: plan.flops, [ATTR.NPU_BYTES]: plan.bytesIn + plan.bytesOut, [ATTR.NPU_LAUNCHES]: 1 },
    () => device.run(kernel, args, layerTrace(rec, device)),
  );
  const t2 = device.now();
  deviceStage(
    rec,
    device,
    SPAN.NPU_RESULT_RETRIEVAL,
    level,
    { ...base, [ATTR.NPU_BYTES]: outBytes, [ATTR.NPU_DIRECTION]: 'from_device' },
    () => {
      output.sync('from_device', outBytes);
      output.read(result);
    },
  );
  const t3 = device.now();

  if (!totals) return;
  totals.launches++;
  totals.flops += plan.flops;
  totals.firstStartMs ??= t0;
  totals.transfer.ms += t1 - t0;
  totals.transfer.bytes += inBytes;
  totals.kernel.ms += t2 - t1;
  totals.kernel.bytes += plan.bytesIn + plan.bytesOut;
  totals.retrieval.ms += t3 - t2;
  totals.retrieval.bytes += outBytes;
}

/**
 * The medium-detail view of a many-launch pass: one span per operation kind (host compute, when
 * there was any, then the three XRT operations), each lasting the summed time of that kind, laid
 * end to end from the pass's first operation, so together they cover the pass. Durations are exact; the
 * placement is schematic (the real operations interleave), which `--detail fine` shows launch by
 * launch. Recorded only when the per-launch stages are not, so nothing is counted twice.
 */
export function recordTotals(rec: StageRecorder, device: Device, totals: LaunchTotals, kernelName: string): void {
  if (!rec.wants('medium') || rec.wants('fine') || totals.firstStartMs === undefined) return;
  const where: StageAttributes = { [ATTR.DEVICE]: device.name };
  if (device.column !== undefined) where[ATTR.NPU_COLUMN] = device.column;
  const base: StageAttributes = { ...where, [ATTR.NPU_KERNEL]: kernelName, [ATTR.NPU_LAUNCHES]: totals.launches };
  let at = totals.firstStartMs;
  const parts: [string, OperationTotal, StageAttributes][] = [
    [SPAN.NPU_HOST_COMPUTE, totals.host, where],
    [
      SPAN.NPU_BUFFER_TRANSFER,
      totals.transfer,
      { ...base, [ATTR.NPU_BYTES]: totals.transfer.bytes, [ATTR.NPU_DIRECTION]: 'to_device' },
    ],
    [
      SPAN.NPU_KERNEL_EXECUTION,
      totals.kernel,
      { ...base, [ATTR.NPU_FLOPS]: totals.flops, [ATTR.NPU_BYTES]: totals.kernel.bytes },
    ],
    [
      SPAN.NPU_RESULT_RETRIEVAL,
      totals.retrieval,
      { ...base, [ATTR.NPU_BYTES]: totals.retrieval.bytes, [ATTR.NPU_DIRECTION]: 'from_device' },
    ],
  ];
  for (const [name, total, attributes] of parts) {
    // A pass without host work (fused) shows no empty host span.
    if (name === SPAN.NPU_HOST_COMPUTE && total.ms <= 0) continue;
    rec.add(name, 'medium', at, at + total.ms, attributes);
    at += total.ms;
  }
}
