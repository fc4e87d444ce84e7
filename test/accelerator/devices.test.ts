import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuDevice } from '../../src/accelerator/cpu-device.ts';
import type { Device } from '../../src/accelerator/device.ts';
import { NpuSimDevice } from '../../src/accelerator/npu-sim.ts';
import { DEFAULT_NPU_TIMING, kernelMs, syncMs } from '../../src/accelerator/npu-timing.ts';
import { LaunchTotals, offload, recordTotals } from '../../src/accelerator/offload.ts';
import { MATMUL_KERNEL } from '../../src/engine/reference/matmul-kernel.ts';
import { Xorshift32 } from '../../src/engine/reference/prng.ts';
import { ATTR, type Detail, SPAN } from '../../src/telemetry/names.ts';
import { StageRecorder } from '../../src/telemetry/recorder.ts';

function random(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  new Xorshift32(seed).fillUniform(values, 1);
  return values;
}

/** One matmul launch of A (m×k) · Wᵀ (W n×k) on `device`; returns the host result. */
function launchMatmul(
  device: Device,
  rec: StageRecorder,
  m: number,
  k: number,
  n: number,
  level: Detail = 'fine',
  totals?: LaunchTotals,
): { a: Float32Array; w: Float32Array; result: Float32Array } {
  const a = random(m * k, 1);
  const w = random(n * k, 2);
  const bos = { a: device.allocate(m * k), w: device.allocate(n * k), c: device.allocate(m * n) };
  const result = new Float32Array(m * n);
  offload(
    device,
    rec,
    {
      kernel: MATMUL_KERNEL,
      args: { ...bos, m, k, n },
      inputs: [
        { bo: bos.a, data: a },
        { bo: bos.w, data: w },
      ],
      output: bos.c,
      result,
      layer: 0,
    },
    level,
    totals,
  );
  return { a, w, result };
}

describe('buffer objects', () => {
  for (const device of [new CpuDevice(), new NpuSimDevice(0, DEFAULT_NPU_TIMING)]) {
    it(`${device.name}: write and read are real copies into and out of shared memory`, () => {
      const bo = device.allocate(4);
      assert.ok(bo.storage.buffer instanceof SharedArrayBuffer, 'storage is a SharedArrayBuffer');
      assert.equal(bo.bytes, 16, 'bytes');
      const source = Float32Array.from([1, 2, 3, 4]);
      bo.write(source);
      source[0] = 99;
      assert.equal(bo.storage[0], 1, 'changing the source after write does not change the buffer');
      const target = bo.read(new Float32Array(3));
      bo.storage[1] = 42;
      assert.deepEqual(Array.from(target), [1, 2, 3], 'changing the buffer after read does not change what was read');
      assert.throws(() => bo.write(new Float32Array(5)), RangeError, 'a write past the end is refused');
      assert.throws(() => bo.sync('to_device', 17), RangeError, 'a sync past the end is refused');
    });
  }
});

describe('cpu device', () => {
  it('runs the matmul kernel for real: the result equals a naive product', () => {
    const [m, k, n] = [5, 24, 7];
    const { a, w, result } = launchMatmul(new CpuDevice(), new StageRecorder('fine'), m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let expected = 0;
        for (let p = 0; p < k; p++) expected += a[i * k + p]! * w[j * k + p]!;
        assert.ok(
          Math.abs(result[i * n + j]! - expected) < 1e-4,
          `c[${i}][${j}] = ${result[i * n + j]}, expected ${expected}`,
        );
      }
    }
  });

  it('records one transfer, kernel and retrieval per launch with bytes, direction, flops and layer', () => {
    const rec = new StageRecorder('fine');
    launchMatmul(new CpuDevice(), rec, 3, 8, 4);
    assert.deepEqual(
      rec.records.map((r) => r.name),
      [SPAN.NPU_BUFFER_TRANSFER, SPAN.NPU_KERNEL_EXECUTION, SPAN.NPU_RESULT_RETRIEVAL],
      'the XRT sequence',
    );
    const [transfer, kernel, retrieval] = rec.records;
    assert.equal(transfer!.attributes![ATTR.NPU_BYTES], 4 * (3 * 8 + 4 * 8), 'A and W bytes sent');
    assert.equal(transfer!.attributes![ATTR.NPU_DIRECTION], 'to_device', 'direction');
    assert.equal(kernel!.attributes![ATTR.NPU_FLOPS], 2 * 3 * 8 * 4, 'flops');
    assert.equal(kernel!.attributes![ATTR.NPU_KERNEL], 'matmul', 'kernel name');
    assert.equal(retrieval!.attributes![ATTR.NPU_BYTES], 4 * 3 * 4, 'C bytes read');
    assert.equal(retrieval!.attributes![ATTR.NPU_LAYER], 0, 'layer');
    assert.equal(kernel!.attributes![ATTR.NPU_COLUMN], undefined, 'no column on the cpu device');
  });
});

describe('npu-sim device', () => {
  // Epoch milliseconds near 1.7e12 carry about 0.25 µs of float64 resolution, hence the 1 µs tolerance.
  it('places the launch on its timeline as the model says: sync and kernel durations are the model arithmetic', () => {
    const device = new NpuSimDevice(3, DEFAULT_NPU_TIMING);
    const rec = new StageRecorder('fine');
    const [m, k, n] = [4, 16, 8];
    const before = device.now();
    launchMatmul(device, rec, m, k, n);
    const [transfer, kernel, retrieval] = rec.records;
    const expectedKernelMs = kernelMs(DEFAULT_NPU_TIMING, {
      flops: 2 * m * k * n,
      bytesIn: 4 * (m * k + n * k),
      bytesOut: 4 * m * n,
    });
    assert.ok(
      Math.abs(kernel!.endMs - kernel!.startMs - expectedKernelMs) < 1e-3,
      `kernel lasts ${kernel!.endMs - kernel!.startMs} ms, model says ${expectedKernelMs}`,
    );
    const syncs = syncMs(DEFAULT_NPU_TIMING, 4 * m * k) + syncMs(DEFAULT_NPU_TIMING, 4 * n * k);
    assert.ok(transfer!.endMs - transfer!.startMs >= syncs, 'the transfer includes both modelled syncs');
    assert.ok(
      retrieval!.endMs - retrieval!.startMs >= syncMs(DEFAULT_NPU_TIMING, 4 * m * n),
      'the retrieval includes its sync',
    );
    assert.ok(
      transfer!.startMs >= before && transfer!.endMs <= kernel!.startMs && kernel!.endMs <= retrieval!.startMs,
      'in XRT order on one timeline',
    );
    assert.equal(retrieval!.endMs, device.now(), 'the timeline ends where the last stage ends');
    assert.equal(kernel!.attributes![ATTR.NPU_COLUMN], 3, 'the leased column');
  });

  it('produces the surrogate, not the product, deterministically', () => {
    const first = launchMatmul(new NpuSimDevice(0, DEFAULT_NPU_TIMING), new StageRecorder('coarse'), 3, 6, 5);
    const second = launchMatmul(new NpuSimDevice(1, DEFAULT_NPU_TIMING), new StageRecorder('coarse'), 3, 6, 5);
    assert.deepEqual(Array.from(first.result), Array.from(second.result), 'same inputs, same surrogate');
    const real = launchMatmul(new CpuDevice(), new StageRecorder('coarse'), 3, 6, 5);
    assert.notDeepEqual(
      Array.from(first.result),
      Array.from(real.result),
      'the simulator does not compute the product',
    );
  });
});

describe('launch totals', () => {
  function run(detail: Detail): StageRecorder {
    const device = new NpuSimDevice(0, DEFAULT_NPU_TIMING);
    const rec = new StageRecorder(detail);
    const totals = new LaunchTotals();
    for (let i = 0; i < 3; i++) launchMatmul(device, rec, 2, 8, 4, 'fine', totals);
    recordTotals(rec, device, totals, 'matmul');
    return rec;
  }

  it("at 'medium', one span per operation kind, lasting the summed time of all launches", () => {
    const rec = run('medium');
    assert.deepEqual(
      rec.records.map((r) => r.name),
      [SPAN.NPU_BUFFER_TRANSFER, SPAN.NPU_KERNEL_EXECUTION, SPAN.NPU_RESULT_RETRIEVAL],
      'three aggregates',
    );
    for (const record of rec.records)
      assert.equal(record.attributes![ATTR.NPU_LAUNCHES], 3, `${record.name} counts the launches`);
    assert.equal(rec.records[1]!.attributes![ATTR.NPU_FLOPS], 3 * 2 * 2 * 8 * 4, 'flops summed');
    const kernelMsEach = kernelMs(DEFAULT_NPU_TIMING, { flops: 2 * 2 * 8 * 4, bytesIn: 4 * (16 + 32), bytesOut: 32 });
    const kernel = rec.records[1]!;
    assert.ok(
      Math.abs(kernel.endMs - kernel.startMs - 3 * kernelMsEach) < 1e-3,
      'kernel aggregate lasts the three launches',
    );
    assert.equal(rec.records[0]!.endMs, rec.records[1]!.startMs, 'laid end to end');
  });

  it("at 'fine', the launches themselves and no aggregates; at 'coarse', nothing", () => {
    assert.equal(run('fine').records.length, 9, 'three triples');
    assert.equal(run('coarse').records.length, 0, 'nothing at coarse');
  });
});
