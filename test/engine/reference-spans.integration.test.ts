import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Engine, EngineOptions, EngineResult } from '../../src/engine/engine.ts';
import { createEngine } from '../../src/engine/index.ts';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';
import { ATTR, type Detail, SPAN } from '../../src/telemetry/names.ts';
import { configureStages } from '../../src/telemetry/stage.ts';
import { installTestTracing } from '../support/tracing.ts';
import { speechLike } from './audio.ts';
import { childrenOf, countNames, descendantsOf, withRoot } from './span-tree.ts';

const tracing = installTestTracing({ detail: 'medium' });

/** The pool's and the pass's waits, which every pool task and pass has beside its stages (test/engine/pool.test.ts covers them). */
const WAITS: readonly string[] = [
  SPAN.WORKER_QUEUE_WAIT,
  SPAN.WORKER_SETUP,
  SPAN.WORKER_FINISH,
  SPAN.WORKER_REPLY,
  SPAN.NPU_COMPLETION_WAIT,
];

/** Names of `parent`'s children without the waits. */
function stageNames(
  spans: readonly ReadableSpan[],
  parent: ReadableSpan,
  without: readonly string[] = WAITS,
): string[] {
  return childrenOf(spans, parent)
    .map((span) => span.name)
    .filter((name) => !without.includes(name));
}
let pool: WorkerPool;
const engines = new Map<string, Engine>();

before(() => {
  pool = createWorkerPool();
});
after(async () => {
  for (const engine of engines.values()) await engine.close();
  await pool.close();
  await tracing.shutdown();
});

async function engineFor(device: EngineOptions['device'], offload: EngineOptions['offload']): Promise<Engine> {
  const key = `${device}/${offload}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = await createEngine('reference', { pool, device, offload });
    engines.set(key, engine);
  }
  return engine;
}

/** One transcription inside a `transcribe` root at `detail`; returns the root and every span below it. */
async function traced(
  engine: Engine,
  detail: Detail,
  seconds = 1,
): Promise<{ result: EngineResult; root: ReadableSpan; below: ReadableSpan[]; spans: ReadableSpan[] }> {
  configureStages({ detail, enabled: true });
  tracing.reset();
  const request = {
    pcm: speechLike(seconds),
    durationS: seconds,
    language: undefined,
    prompt: undefined,
    temperature: 0,
    wordTimestamps: false,
  };
  const { result, root } = await withRoot(tracing.exporter, SPAN.TRANSCRIBE, () =>
    engine.transcribe(request, new AbortController().signal),
  );
  const spans = tracing.spans();
  return { result, root, below: descendantsOf(spans, root), spans };
}

function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  assert.equal(found.length, 1, `exactly one ${name}, found ${found.length}`);
  return found[0]!;
}

describe('reference engine spans', () => {
  it('coarse: mel, encoder and decoder under transcribe, nothing below them', async () => {
    const { root, below, spans } = await traced(await engineFor('npu-sim', 'fused'), 'coarse');
    assert.deepEqual(
      childrenOf(spans, root).map((span) => span.name),
      [SPAN.MEL, SPAN.ENCODER, SPAN.DECODER],
      'the three stages in order',
    );
    assert.equal(below.length, 3, 'no finer spans');
  });

  it('medium, fused: the contract tree, one transfer/kernel/retrieval per pass', async () => {
    const { root, below, spans } = await traced(await engineFor('npu-sim', 'fused'), 'medium');
    const [mel, encoder, decoder] = childrenOf(spans, root);
    assert.deepEqual(stageNames(spans, mel!), [SPAN.MEL_FFT, SPAN.MEL_LOG_MEL, SPAN.MEL_NORMALIZE], 'mel stages');
    assert.deepEqual(
      stageNames(spans, encoder!),
      [SPAN.NPU_QUEUE_WAIT, SPAN.NPU_BUFFER_TRANSFER, SPAN.NPU_KERNEL_EXECUTION, SPAN.NPU_RESULT_RETRIEVAL],
      'the column wait, then one XRT round trip',
    );
    assert.deepEqual(
      stageNames(spans, decoder!),
      [SPAN.DECODER_ATTENTION, SPAN.DECODER_TOKEN_GENERATION, SPAN.DECODER_POST_PROCESSING],
      'decoder stages',
    );
    for (const stage of [mel!, encoder!, decoder!])
      assert.equal(
        childrenOf(spans, stage).filter((s) => s.name === SPAN.WORKER_QUEUE_WAIT).length,
        1,
        `one worker.queue_wait under ${stage.name}`,
      );
    assert.equal(encoder!.attributes[ATTR.DEVICE], 'npu-sim', 'device attribute');
    assert.equal(encoder!.attributes[ATTR.OFFLOAD], 'fused', 'offload attribute');
    assert.equal(encoder!.attributes[ATTR.NPU_COLUMNS], 8, 'columns attribute');
    assert.equal(only(below, SPAN.NPU_KERNEL_EXECUTION).attributes[ATTR.NPU_KERNEL], 'encoder_fused', 'kernel name');
    assert.ok(
      Number(only(below, SPAN.DECODER_TOKEN_GENERATION).attributes[ATTR.DECODER_TOKENS]) >= 1,
      'tokens attribute',
    );
    for (const span of below)
      assert.equal(span.spanContext().traceId, root.spanContext().traceId, `${span.name} in the request's trace`);
  });

  it('fine, fused: the six encoder layers inside the one kernel execution', async () => {
    const { below, spans } = await traced(await engineFor('npu-sim', 'fused'), 'fine');
    const kernel = only(below, SPAN.NPU_KERNEL_EXECUTION);
    const phases = childrenOf(spans, kernel);
    assert.deepEqual(
      phases.map((s) => s.name),
      [SPAN.ENCODER_CONV, ...Array(6).fill(SPAN.ENCODER_LAYER)],
      'the convolution front end, then six layers',
    );
    const layers = phases.slice(1);
    assert.deepEqual(
      layers.map((s) => s.attributes[ATTR.NPU_LAYER]),
      [0, 1, 2, 3, 4, 5],
      'in order',
    );
  });

  it('fine, matmul: 36 launches per pass, six per encoder layer, each a transfer/kernel/retrieval triple', async () => {
    const { below, spans } = await traced(await engineFor('npu-sim', 'matmul'), 'fine');
    const encoder = only(below, SPAN.ENCODER);
    const hostWork = [...WAITS, SPAN.NPU_HOST_COMPUTE];
    assert.deepEqual(
      stageNames(spans, encoder, hostWork),
      [SPAN.NPU_QUEUE_WAIT, ...Array(6).fill(SPAN.ENCODER_LAYER)],
      'the column wait, then six layers',
    );
    const layers = childrenOf(spans, encoder).filter((span) => span.name === SPAN.ENCODER_LAYER);
    for (const layer of layers) {
      const names = stageNames(spans, layer, hostWork);
      assert.ok(
        childrenOf(spans, layer).some((span) => span.name === SPAN.NPU_HOST_COMPUTE),
        `layer ${layer.attributes[ATTR.NPU_LAYER]}: its CPU ops between launches are npu.host_compute`,
      );
      assert.deepEqual(
        names,
        Array(6).fill([SPAN.NPU_BUFFER_TRANSFER, SPAN.NPU_KERNEL_EXECUTION, SPAN.NPU_RESULT_RETRIEVAL]).flat(),
        `layer ${layer.attributes[ATTR.NPU_LAYER]}: Q, K, V, out, fc1, fc2`,
      );
    }
    const counts = countNames(descendantsOf(spans, encoder));
    assert.equal(counts[SPAN.NPU_KERNEL_EXECUTION], 36, '36 kernel executions');
    assert.equal(counts[SPAN.NPU_BUFFER_TRANSFER], 36, '36 transfers');
    assert.equal(counts[SPAN.NPU_RESULT_RETRIEVAL], 36, '36 retrievals');
    const fc1 = childrenOf(spans, layers[0]!).filter((s) => s.name === SPAN.NPU_BUFFER_TRANSFER)[4]!;
    assert.equal(
      fc1.attributes[ATTR.NPU_BYTES],
      4 * (50 * 512 + 2048 * 512),
      'fc1 sends A (50x512) and its 2048x512 weights again',
    );
    assert.equal(encoder.attributes[ATTR.NPU_LAUNCHES], 36, 'launch count on the encoder span');
  });

  it('medium, matmul: three aggregate spans that count the 36 launches', async () => {
    const { below, spans } = await traced(await engineFor('npu-sim', 'matmul'), 'medium');
    const encoder = only(below, SPAN.ENCODER);
    const children = childrenOf(spans, encoder).filter((s) => !WAITS.includes(s.name));
    assert.deepEqual(
      children.map((s) => s.name),
      [
        SPAN.NPU_QUEUE_WAIT,
        SPAN.NPU_HOST_COMPUTE,
        SPAN.NPU_BUFFER_TRANSFER,
        SPAN.NPU_KERNEL_EXECUTION,
        SPAN.NPU_RESULT_RETRIEVAL,
      ],
      'the column wait, the host work, then one of each kind',
    );
    for (const child of children.slice(2))
      assert.equal(child.attributes[ATTR.NPU_LAUNCHES], 36, `${child.name} aggregates 36 launches`);
  });

  it('fine, cpu device: the same tree shape, kernels run for real', async () => {
    const { below } = await traced(await engineFor('cpu', 'fused'), 'fine', 0.5);
    const kernel = only(below, SPAN.NPU_KERNEL_EXECUTION);
    assert.equal(kernel.attributes[ATTR.DEVICE], 'cpu', 'device');
    assert.equal(countNames(below)[SPAN.ENCODER_LAYER], 6, 'six layers');
    assert.equal(countNames(below)[SPAN.NPU_QUEUE_WAIT], undefined, 'no column queue on the cpu device');
  });

  it('returns timing for mel, encoder and decoder whether or not stages are traced', async () => {
    configureStages({ detail: 'medium', enabled: false });
    try {
      const engine = await engineFor('npu-sim', 'fused');
      const { timing } = await engine.transcribe(
        {
          pcm: speechLike(0.5),
          durationS: 0.5,
          language: undefined,
          prompt: undefined,
          temperature: 0,
          wordTimestamps: false,
        },
        new AbortController().signal,
      );
      for (const key of ['mel_ms', 'encoder_ms', 'decoder_ms'])
        assert.ok(typeof timing[key] === 'number' && timing[key] >= 0, `${key} = ${timing[key]}`);
    } finally {
      configureStages({ detail: 'medium', enabled: true });
    }
  });
});
