import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccelerator, type PassRunner } from '../../src/accelerator/accelerator.ts';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';
import type { EncoderResult } from '../../src/engine/reference/encoder.ts';
import { createWeights, type WeightSet } from '../../src/engine/reference/weights.ts';
import { ATTR, SPAN } from '../../src/telemetry/names.ts';
import { descendantsOf, epochMs, withRoot } from '../engine/span-tree.ts';
import { installTestTracing } from '../support/tracing.ts';

const tracing = installTestTracing({ detail: 'medium' });
const FRAMES = 40;
const mel = Float32Array.from({ length: 80 * FRAMES }, (_, i) => Math.sin(i / 7));
let pool: WorkerPool;
let weights: WeightSet;
const runPass: PassRunner = (payload, signal) => pool.run('encoder', payload, signal ? { signal } : {});

before(() => {
  pool = createWorkerPool();
  weights = createWeights();
});
after(async () => {
  await pool.close();
  await tracing.shutdown();
});

describe('accelerator', () => {
  it('npu-sim: passes beyond the free columns wait, recorded as npu.queue_wait under their encoder span', async () => {
    tracing.reset();
    const accelerator = createAccelerator({ runPass, device: 'npu-sim', offload: 'fused', columns: 1 });
    const passes = await Promise.all(
      [0, 1, 2].map((i) =>
        withRoot(tracing.exporter, `encoder-${i}`, () =>
          accelerator.run<EncoderResult>({ mel, frames: FRAMES, bins: 80, weights }),
        ),
      ),
    );
    const spans = tracing.spans();
    const waits = passes.map(({ root }) =>
      descendantsOf(spans, root).filter((span) => span.name === SPAN.NPU_QUEUE_WAIT),
    );
    assert.deepEqual(
      waits.map((w) => w.length),
      [1, 1, 1],
      'every pass records its wait for the column',
    );
    for (const [wait] of waits) {
      assert.equal(wait!.attributes[ATTR.NPU_COLUMNS], 1, 'columns');
      assert.equal(wait!.attributes[ATTR.NPU_COLUMN], 0, 'the column it got');
    }
    // The column is held until the previous pass's modelled end: each wait ends after it.
    const lastDeviceEnd = (i: number): number =>
      Math.max(
        ...descendantsOf(spans, passes[i]!.root)
          .filter((s) => s.name === SPAN.NPU_RESULT_RETRIEVAL)
          .map((s) => epochMs(s.endTime)),
      );
    assert.ok(epochMs(waits[1]![0]!.endTime) >= lastDeviceEnd(0), 'pass 1 waited until pass 0 left the column');
    assert.ok(epochMs(waits[2]![0]!.endTime) >= lastDeviceEnd(1), 'pass 2 waited until pass 1 left the column');
    for (const { result } of passes)
      assert.equal(result.output.length, (FRAMES / 2) * 512, 'each pass returns its output');
  });

  it('npu-sim: with enough columns concurrent passes hold different columns', async () => {
    tracing.reset();
    const accelerator = createAccelerator({ runPass, device: 'npu-sim', offload: 'fused' });
    assert.equal(accelerator.describe().columns, 8, 'XDNA2 default: 8 columns');
    const passes = await Promise.all(
      [0, 1, 2].map((i) =>
        withRoot(tracing.exporter, `encoder-${i}`, () =>
          accelerator.run<EncoderResult>({ mel, frames: FRAMES, bins: 80, weights }),
        ),
      ),
    );
    const spans = tracing.spans();
    const columns = passes.map(
      ({ root }) =>
        descendantsOf(spans, root).find((span) => span.name === SPAN.NPU_KERNEL_EXECUTION)!.attributes[ATTR.NPU_COLUMN],
    );
    assert.deepEqual(columns, [0, 1, 2], 'one column each, so none waited for another');
    const waits = passes.map(
      ({ root }) =>
        descendantsOf(spans, root).find((span) => span.name === SPAN.NPU_QUEUE_WAIT)!.attributes[ATTR.NPU_COLUMN],
    );
    assert.deepEqual(waits, [0, 1, 2], 'each wait names the column it got');
  });

  it('cpu: runs the pass without leasing columns', async () => {
    tracing.reset();
    const accelerator = createAccelerator({ runPass, device: 'cpu', offload: 'fused', columns: 1 });
    assert.equal(accelerator.describe().columns, undefined, 'columns are an npu-sim fact');
    const passes = await Promise.all(
      [0, 1].map((i) =>
        withRoot(tracing.exporter, `encoder-${i}`, () =>
          accelerator.run<EncoderResult>({ mel, frames: FRAMES, bins: 80, weights }),
        ),
      ),
    );
    assert.equal(tracing.spans().filter((span) => span.name === SPAN.NPU_QUEUE_WAIT).length, 0, 'no waits');
    assert.deepEqual(
      Array.from(passes[0]!.result.output),
      Array.from(passes[1]!.result.output),
      'same input, same real output',
    );
  });

  it('rejects a bad column count', () => {
    assert.throws(
      () => createAccelerator({ runPass, device: 'npu-sim', offload: 'fused', columns: 0 }),
      /columns must be a positive integer/,
      'zero columns',
    );
  });
});
