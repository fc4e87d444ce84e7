/**
 * The service's resources in its span summary, checked against the utilization law
 * (utilization = throughput × service time per request / capacity) under concurrent load: each
 * meter's busy time must match the time the spans say the resource was held.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceEntry } from '../../src/rollup/document.ts';
import { clipWav, spanSummary } from '../reliability/helpers.ts';
import { startService, transcribe } from '../support/service.ts';

const STREAMS = 4;
const REQUESTS_PER_STREAM = 4;

describe('service resources', () => {
  it('reports admission, uploads, worker_pool and npu_columns, each obeying the utilization law under load', async () => {
    const service = await startService(['--max-concurrent', '2', '--columns', '2']);
    try {
      const wav = clipWav('1s');
      await Promise.all(
        Array.from({ length: STREAMS }, async () => {
          for (let i = 0; i < REQUESTS_PER_STREAM; i++) {
            const response = await transcribe(service.url, wav);
            await response.arrayBuffer();
            assert.equal(response.status, 200, 'status');
          }
        }),
      );
      const summary = await spanSummary(service.url);
      const byName = new Map<string, ResourceEntry>(summary.resources.map((entry) => [entry.name, entry]));
      assert.deepEqual(
        [...byName.keys()],
        ['admission', 'uploads', 'worker_pool', 'npu_columns'],
        'the four resources, in order',
      );
      assert.equal(byName.get('admission')!.capacity, 2, 'admission capacity = --max-concurrent');
      assert.equal(byName.get('npu_columns')!.capacity, 2, 'npu_columns capacity = --columns');
      for (const entry of byName.values()) {
        assert.ok(
          entry.utilization > 0 && entry.utilization <= 1,
          `${entry.name} utilization ${entry.utilization} in (0, 1]`,
        );
        assert.ok(
          Math.abs(entry.utilization - entry.busy_ms / (entry.capacity * entry.window_ms)) < 1e-9,
          `${entry.name}: utilization = busy / (capacity × window)`,
        );
      }
      const stat = (name: string): { count: number; total_ms: number } =>
        summary.spans.find((span) => span.name === name)!;

      // Admission: a slot is held from the grant through the pipeline (transcribe) until the answer is flushed.
      const admission = byName.get('admission')!;
      const transcribeMs = stat('transcribe').total_ms;
      assert.equal(stat('transcribe').count, STREAMS * REQUESTS_PER_STREAM, 'every request ran');
      assert.ok(
        admission.busy_ms >= transcribeMs * 0.98 && admission.busy_ms <= transcribeMs * 1.25,
        `admission busy ${admission.busy_ms.toFixed(0)} ms ≈ throughput × service time (Σ transcribe ${transcribeMs.toFixed(0)} ms)`,
      );
      assert.ok(admission.queue_max >= 1, `4 streams on 2 slots queue (queue_max ${admission.queue_max})`);

      // Columns: a pass holds its column from the lease to the end of its completion wait (the encoder span minus its column wait).
      const columns = byName.get('npu_columns')!;
      const held = stat('encoder').total_ms - stat('npu.queue_wait').total_ms;
      assert.ok(
        columns.busy_ms >= held * 0.9 && columns.busy_ms <= held * 1.1,
        `npu_columns busy ${columns.busy_ms.toFixed(0)} ms ≈ Σ (encoder - npu.queue_wait) ${held.toFixed(0)} ms`,
      );

      // Pool: a thread is held from a task's start to the caller taking its answer.
      const pool = byName.get('worker_pool')!;
      const working = [
        'worker.setup',
        'audio.convert',
        'mel.fft',
        'mel.log_mel',
        'mel.normalize',
        'decoder.attention',
        'decoder.token_generation',
        'decoder.post_processing',
        'worker.finish',
        'worker.reply',
      ];
      const workMs = working.reduce(
        (sum, name) => sum + (summary.spans.find((span) => span.name === name)?.total_ms ?? 0),
        0,
      );
      assert.ok(
        pool.busy_ms >= workMs * 0.9,
        `worker_pool busy ${pool.busy_ms.toFixed(0)} ms covers the worker stages and replies (${workMs.toFixed(0)} ms)`,
      );
      assert.ok(
        pool.busy_ms <= workMs + stat('encoder').total_ms + stat('worker.queue_wait').total_ms,
        'and no more than those, the encoder passes and the queue waits',
      );
      assert.equal(pool.in_use, 0, 'no thread busy once the load is over');
    } finally {
      await service.stop();
    }
  });
});
