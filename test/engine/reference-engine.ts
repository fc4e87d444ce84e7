/**
 * The reference engine on npu-sim (fused offload) over a default worker pool, for a test file:
 * made before its tests and closed after them.
 */
import { after, before } from 'node:test';
import type { Engine } from '../../src/engine/engine.ts';
import { createEngine } from '../../src/engine/index.ts';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';

/** Registers the file's before/after hooks; the returned function gives the engine inside a test. */
export function useReferenceEngine(): () => Engine {
  let pool: WorkerPool | undefined;
  let engine: Engine | undefined;
  before(async () => {
    pool = createWorkerPool();
    engine = await createEngine('reference', { pool, device: 'npu-sim', offload: 'fused' });
  });
  after(async () => {
    await engine?.close();
    await pool?.close();
  });
  return () => {
    if (!engine) throw new Error('the reference engine starts in the before hook');
    return engine;
  };
}
