import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';
import { ServiceError } from '../../src/service/errors.ts';
import { SPAN } from '../../src/telemetry/names.ts';
import { configureStages } from '../../src/telemetry/stage.ts';
import { installTestTracing } from '../support/tracing.ts';
import { speechLike } from './audio.ts';
import { childrenOf, withRoot } from './span-tree.ts';

const tracing = installTestTracing({ detail: 'medium' });
let pool: WorkerPool;

before(() => {
  pool = createWorkerPool();
});
after(async () => {
  await pool.close();
  await tracing.shutdown();
});

const MEL_STAGES = [SPAN.MEL_FFT, SPAN.MEL_LOG_MEL, SPAN.MEL_NORMALIZE];

describe('WorkerPool', () => {
  it('starts no more threads than the machine has cores', () => {
    assert.ok(pool.threads >= 1 && pool.threads <= os.availableParallelism(), `threads ${pool.threads}`);
  });

  it('runs a task in a worker and replays its stages under the caller span', async () => {
    tracing.reset();
    const { result, root } = await withRoot(tracing.exporter, 'caller', () => pool.run<{ frames: number; bins: number }>('mel', { pcm: speechLike(1) }));
    assert.equal(result.frames, 100, '1 s of audio is 100 mel frames');
    assert.deepEqual(childrenOf(tracing.spans(), root).map((span) => span.name), MEL_STAGES, 'the worker stages, in order, as children of the caller');
  });

  it('records nothing in the worker for stages finer than the configured detail', async () => {
    configureStages({ detail: 'coarse', enabled: true });
    tracing.reset();
    try {
      const { root } = await withRoot(tracing.exporter, 'caller', () => pool.run('mel', { pcm: speechLike(0.5) }));
      assert.equal(childrenOf(tracing.spans(), root).length, 0, 'no mel.* spans at coarse');
    } finally {
      configureStages({ detail: 'medium', enabled: true });
    }
  });

  it('rethrows a ServiceError from the worker as a ServiceError with its status and code', async () => {
    const failure = pool.run('audio.decode', { bytes: new Uint8Array([1, 2, 3]), maxDurationS: 10 });
    await assert.rejects(failure, (error: unknown) => {
      assert.ok(error instanceof ServiceError, `a ServiceError, got ${String(error)}`);
      assert.equal(error.status, 400, 'status');
      assert.ok(error.code.length > 0, 'code kept');
      return true;
    });
  });

  it('nests each concurrent caller’s worker spans under that caller only', async () => {
    tracing.reset();
    const calls = await Promise.all(Array.from({ length: 6 }, (_, i) => withRoot(tracing.exporter, `caller-${i}`, () => pool.run('mel', { pcm: speechLike(0.2 + i * 0.1, i) }))));
    const spans = tracing.spans();
    for (const { root } of calls) {
      const children = childrenOf(spans, root);
      assert.deepEqual(children.map((span) => span.name), MEL_STAGES, `${root.name} has exactly its own three stages`);
      for (const child of children) assert.equal(child.spanContext().traceId, root.spanContext().traceId, `${child.name} is in ${root.name}'s trace`);
    }
    assert.equal(spans.filter((span) => MEL_STAGES.includes(span.name as never)).length, 6 * 3, 'no stray or duplicated stages');
  });

  it('rejects an aborted task without running it', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(pool.run('mel', { pcm: speechLike(0.1) }, { signal: controller.signal }), (error: unknown) => error instanceof Error, 'aborted');
  });
});
