import assert from 'node:assert/strict';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CodedError } from '../../src/core/errors.ts';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';
import { ATTR, SPAN } from '../../src/telemetry/names.ts';
import { configureStages } from '../../src/telemetry/stage.ts';
import { installTestTracing } from '../support/tracing.ts';
import { speechLike } from './audio.ts';
import { childrenOf, epochMs, withRoot } from './span-tree.ts';

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
const POOL_SPANS: readonly string[] = [
  SPAN.WORKER_QUEUE_WAIT,
  SPAN.WORKER_SETUP,
  SPAN.WORKER_FINISH,
  SPAN.WORKER_REPLY,
];
const stagesOnly = (spans: readonly ReadableSpan[]): string[] =>
  spans.map((span) => span.name).filter((name) => !POOL_SPANS.includes(name));

describe('WorkerPool', () => {
  it('starts no more threads than the machine has cores', () => {
    assert.ok(pool.threads >= 1 && pool.threads <= os.availableParallelism(), `threads ${pool.threads}`);
  });

  it('runs a task in a worker and replays its stages under the caller span', async () => {
    tracing.reset();
    const { result, root } = await withRoot(tracing.exporter, 'caller', () =>
      pool.run<{ frames: number; bins: number }>('mel', { pcm: speechLike(1) }),
    );
    assert.equal(result.frames, 100, '1 s of audio is 100 mel frames');
    assert.deepEqual(
      stagesOnly(childrenOf(tracing.spans(), root)),
      MEL_STAGES,
      'the worker stages, in order, as children of the caller',
    );
  });

  it('makes worker.queue_wait first under the caller, then the pool spans and stages end to end without overlap', async () => {
    tracing.reset();
    const { root } = await withRoot(tracing.exporter, 'caller', () => pool.run('mel', { pcm: speechLike(1) }));
    const children = childrenOf(tracing.spans(), root);
    const wait = children[0]!;
    assert.equal(
      wait.name,
      SPAN.WORKER_QUEUE_WAIT,
      `the first child is the queue wait, got ${children.map((span) => span.name).join(', ')}`,
    );
    assert.equal(wait.attributes[ATTR.POOL_THREADS], pool.threads, 'amanuensis.pool.threads');
    assert.equal(wait.attributes[ATTR.POOL_QUEUED], 0, 'nothing ahead in an idle pool');
    assert.equal(children.at(-1)!.name, SPAN.WORKER_REPLY, 'the reply comes last');
    for (let i = 1; i < children.length; i++) {
      const gapMs = epochMs(children[i]!.startTime) - epochMs(children[i - 1]!.endTime);
      assert.ok(
        gapMs > -0.01,
        `${children[i]!.name} starts ${gapMs.toFixed(3)} ms after ${children[i - 1]!.name} ends (no overlap)`,
      );
    }
  });

  it('counts the tasks queued ahead in amanuensis.pool.queued when every thread is busy', async () => {
    tracing.reset();
    const calls = await Promise.all(
      Array.from({ length: pool.threads + 2 }, (_, i) =>
        withRoot(tracing.exporter, `caller-${i}`, () => pool.run('mel', { pcm: speechLike(1, i) })),
      ),
    );
    const queued = calls.map(
      ({ root }) =>
        childrenOf(tracing.spans(), root).find((span) => span.name === SPAN.WORKER_QUEUE_WAIT)!.attributes[
          ATTR.POOL_QUEUED
        ],
    );
    assert.deepEqual(
      queued.slice(0, pool.threads),
      new Array(pool.threads).fill(0),
      'the first tasks find a free thread',
    );
    assert.deepEqual(queued.slice(pool.threads), [0, 1], 'the rest see the queued tasks ahead of them');
  });

  it('meters the threads: busy time accrues while tasks run and nothing is left in use after', async () => {
    const before = pool.meter.read();
    await Promise.all(Array.from({ length: pool.threads * 2 }, (_, i) => pool.run('mel', { pcm: speechLike(1, i) })));
    const after = pool.meter.read();
    assert.equal(pool.meter.name, 'worker_pool', 'resource name');
    assert.equal(pool.meter.capacity, pool.threads, 'capacity = threads');
    assert.ok(after.busyMs > before.busyMs, `busy time grew: ${before.busyMs} -> ${after.busyMs}`);
    assert.ok(
      after.busyMs - before.busyMs <= pool.threads * (after.atMs - before.atMs) + 1e-6,
      'never busier than every thread all the time',
    );
    assert.equal(after.inUse, 0, 'no thread left in use');
    assert.equal(after.queued, 0, 'no task left queued');
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

  it('rethrows a CodedError from the worker as a CodedError with its code, param and HTTP status', async () => {
    const failure = pool.run('audio.decode', { bytes: new Uint8Array([1, 2, 3]), maxDurationS: 10 });
    await assert.rejects(failure, (error: unknown) => {
      assert.ok(error instanceof CodedError, `a CodedError, got ${String(error)}`);
      assert.equal(toErrorEnvelope(error).status, 400, 'status');
      assert.equal(error.param, 'file', 'param kept');
      assert.ok(error.code.length > 0, 'code kept');
      return true;
    });
  });

  it('nests each concurrent caller’s worker spans under that caller only', async () => {
    tracing.reset();
    const calls = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withRoot(tracing.exporter, `caller-${i}`, () => pool.run('mel', { pcm: speechLike(0.2 + i * 0.1, i) })),
      ),
    );
    const spans = tracing.spans();
    for (const { root } of calls) {
      const children = childrenOf(spans, root);
      assert.deepEqual(stagesOnly(children), MEL_STAGES, `${root.name} has exactly its own three stages`);
      for (const child of children)
        assert.equal(
          child.spanContext().traceId,
          root.spanContext().traceId,
          `${child.name} is in ${root.name}'s trace`,
        );
    }
    assert.equal(
      spans.filter((span) => MEL_STAGES.includes(span.name as never)).length,
      6 * 3,
      'no stray or duplicated stages',
    );
  });

  it('rejects an aborted task without running it', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      pool.run('mel', { pcm: speechLike(0.1) }, { signal: controller.signal }),
      (error: unknown) => error instanceof Error,
      'aborted',
    );
  });
});
