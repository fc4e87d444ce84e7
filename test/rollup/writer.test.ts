import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startSummaryWriter, writeFileAtomic } from '../../src/rollup/writer.ts';

async function temporaryFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rollup-writer-'));
}

describe('startSummaryWriter', () => {
  it('never leaves a torn file for a reader, and no temporary files', async () => {
    const folder = await temporaryFolder();
    const path = join(folder, 'span-summary.json');
    let version = 0;
    // A large document so a non-atomic write would be seen half done.
    const filler = 'x'.repeat(200_000);
    const writer = startSummaryWriter({ path, intervalMs: 1, summary: () => ({ version: ++version, filler }) });
    let reads = 0;
    let lastVersion = 0;
    while (reads < 300) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        assert.equal((error as NodeJS.ErrnoException).code, 'ENOENT', 'the only failure is "not written yet"');
        await writer.flush();
        continue;
      }
      const parsed = JSON.parse(text) as { version: number; filler: string };
      assert.equal(parsed.filler.length, filler.length, 'every read sees a whole document');
      assert.ok(parsed.version >= lastVersion, 'versions never go back');
      lastVersion = parsed.version;
      reads++;
    }
    await writer.close();
    const final = JSON.parse(await readFile(path, 'utf8')) as { version: number };
    assert.equal(final.version, version, 'close writes the latest summary last');
    assert.deepEqual(await readdir(folder), ['span-summary.json'], 'no temporary files left');
    await rm(folder, { recursive: true });
  });

  it('writes on flush and close only when no interval is set; close is idempotent', async () => {
    const folder = await temporaryFolder();
    const path = join(folder, 'summary.json');
    let calls = 0;
    const writer = startSummaryWriter({ path, summary: () => ({ calls: ++calls }) });
    await writer.flush();
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { calls: 1 }, 'flush writes');
    const closing = writer.close();
    assert.equal(writer.close(), closing, 'close returns the same promise');
    await closing;
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { calls: 2 }, 'close writes once more');
    await writer.flush();
    assert.equal(calls, 2, 'no writes after close');
    await rm(folder, { recursive: true });
  });

  it('reports write failures: flush rejects, periodic writes call onError', async () => {
    const path = join(tmpdir(), 'rollup-no-such-folder', 'nested', 'summary.json');
    const errors: Error[] = [];
    let resolveError: () => void = () => {};
    const sawError = new Promise<void>((resolve) => (resolveError = resolve));
    const writer = startSummaryWriter({
      path,
      intervalMs: 5,
      summary: () => ({}),
      onError: (error) => {
        errors.push(error);
        resolveError();
      },
    });
    await assert.rejects(writer.flush(), /ENOENT/, 'flush rejects when the folder is missing');
    await sawError;
    assert.match(errors[0]!.message, /ENOENT/, 'periodic failure reported');
    await assert.rejects(writer.close(), /ENOENT/, 'close rejects too');
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file as a whole', async () => {
    const folder = await temporaryFolder();
    const path = join(folder, 'f.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, 'second');
    assert.equal(await readFile(path, 'utf8'), 'second', 'last write wins');
    assert.deepEqual(await readdir(folder), ['f.json'], 'no leftovers');
    await rm(folder, { recursive: true });
  });
});
