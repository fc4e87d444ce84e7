import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DecodedAudio } from '../../src/audio/tasks.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { createWorkerPool, type WorkerPool } from '../../src/engine/pool.ts';
import { Moved, moveResult, ownBuffer, transferList } from '../../src/engine/transfer.ts';

describe('ownBuffer', () => {
  it('takes the buffer a view spans whole', () => {
    const array = new Float32Array(8);
    assert.equal(ownBuffer(array), array.buffer, 'a whole array may move');
  });

  it('refuses views that share their buffer, shared memory and empty buffers', () => {
    assert.equal(ownBuffer(new Float32Array(8).subarray(2)), undefined, 'a subarray would detach its neighbours');
    assert.equal(ownBuffer(Buffer.from('short')), undefined, "a small Buffer lives in Node's shared pool");
    assert.equal(ownBuffer(new Uint8Array(new SharedArrayBuffer(8))), undefined, 'shared memory is not transferable');
    assert.equal(ownBuffer(new Uint8Array(0)), undefined, 'nothing to move');
  });
});

describe('transferList and moveResult', () => {
  it('lists each movable buffer once', () => {
    const a = new Float32Array(4);
    const b = new Uint8Array(4);
    assert.deepEqual(transferList(a, b, a, a.subarray(1)), [a.buffer, b.buffer], 'duplicates and views left out');
  });

  it('marks a result with the buffers to move beside it', () => {
    const pcm = new Float32Array(4);
    const moved = moveResult({ pcm }, pcm);
    assert.ok(moved instanceof Moved, 'a Moved result');
    assert.deepEqual(moved.buffers, [pcm.buffer], 'the PCM buffer moves');
  });
});

describe('WorkerPool transfers', () => {
  let pool: WorkerPool;
  before(() => {
    pool = createWorkerPool({ threads: 1 });
  });
  after(() => pool.close());

  it('moves the upload to the decode worker and the PCM back, detaching the sent buffer', async () => {
    const samples = new Float32Array(16000).map((_, i) => Math.sin(i / 10) * 0.5);
    const upload = new Uint8Array(encodeWav(samples, 16000));
    const size = upload.length;
    const decoded = await pool.run<DecodedAudio>(
      'audio.decode',
      { bytes: upload, maxDurationS: 10 },
      { transfer: transferList(upload) },
    );
    assert.equal(upload.length, 0, `the ${size}-byte upload left this thread (detached, not copied)`);
    assert.equal(decoded.pcm.length, 16000, 'the PCM arrived whole');
    assert.equal(ownBuffer(decoded.pcm), decoded.pcm.buffer, 'the PCM came as its own buffer, not a view');
    assert.ok(Math.abs(decoded.pcm[100]! - samples[100]!) < 1e-3, 'the samples are the upload');
  });
});
