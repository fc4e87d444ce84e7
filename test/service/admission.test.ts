import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodedError } from '../../src/core/errors.ts';
import { Admission } from '../../src/service/admission.ts';
import { toErrorEnvelope } from '../../src/service/errors.ts';

/** The upload budget, which these tests do not exercise (upload-budget.test.ts does). */
const UPLOADS = { maxUploads: 3, minUploadBytesPerS: 1024, uploadGraceMs: 1000 };

describe('Admission', () => {
  it('runs up to maxConcurrent, queues up to maxQueued, refuses the rest with 503 + Retry-After', async () => {
    const admission = new Admission({ maxConcurrent: 2, maxQueued: 1, retryAfterS: 3, ...UPLOADS });
    const a = await admission.acquire();
    await admission.acquire();
    const queued = admission.acquire();
    assert.equal(admission.queued, 1, 'third request waits');
    await assert.rejects(admission.acquire(), (error: unknown) => {
      assert.ok(error instanceof CodedError, 'a CodedError');
      const answer = toErrorEnvelope(error);
      assert.equal(answer.status, 503, '503 when full');
      assert.equal(error.retryAfterS, 3, 'Retry-After hint');
      assert.equal(answer.headers['retry-after'], '3', 'Retry-After header');
      return true;
    });
    a();
    const third = await queued;
    assert.equal(admission.inFlight, 2, 'the queued request took the freed slot');
    third();
  });

  it('releases only once per grant', async () => {
    const admission = new Admission({ maxConcurrent: 1, maxQueued: 0, retryAfterS: 1, ...UPLOADS });
    const release = await admission.acquire();
    release();
    release();
    assert.equal(admission.inFlight, 0, 'double release does not go negative');
  });

  it('drain refuses new and queued requests and resolves when in-flight ones finish', async () => {
    const admission = new Admission({ maxConcurrent: 1, maxQueued: 5, retryAfterS: 1, ...UPLOADS });
    const release = await admission.acquire();
    const queued = admission.acquire();
    let drained = false;
    const draining = admission.drain().then(() => {
      drained = true;
    });
    await assert.rejects(queued, /shutting down/, 'queued request refused');
    await assert.rejects(admission.acquire(), /shutting down/, 'new request refused');
    assert.equal(drained, false, 'still waiting for the in-flight request');
    release();
    await draining;
    assert.equal(drained, true, 'drain completes once idle');
  });

  it('meters running and waiting requests as admission (capacity maxConcurrent), and uploads apart', async () => {
    const admission = new Admission({ maxConcurrent: 1, maxQueued: 2, retryAfterS: 1, ...UPLOADS, maxUploads: 5 });
    assert.deepEqual([admission.meter.name, admission.meter.capacity], ['admission', 1], 'admission: name, capacity');
    assert.deepEqual(
      [admission.uploads.name, admission.uploads.capacity],
      ['uploads', 5],
      'uploads: name, capacity = maxUploads, apart from the processing slots',
    );
    const first = await admission.acquire();
    const queued = admission.acquire();
    assert.deepEqual([admission.meter.read().inUse, admission.meter.read().queued], [1, 1], 'one running, one waiting');
    first();
    const second = await queued;
    assert.deepEqual([admission.meter.read().inUse, admission.meter.read().queued], [1, 0], 'the slot passed on');
    second();
    const read = admission.meter.read();
    assert.equal(read.inUse, 0, 'idle again');
    assert.ok(read.busyMs >= 0 && read.queueMs >= 0, 'integrals never negative');
  });
});
