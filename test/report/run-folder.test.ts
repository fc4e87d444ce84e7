import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RUN_FILES, readRunFolder } from '../../src/report/run-folder.ts';
import { simpleRun } from './documents.ts';

describe('readRunFolder', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'report-run-folder-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function folder(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir);
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
    return dir;
  }

  it('reads the span summary and the load results back', async () => {
    const run = simpleRun();
    const dir = await folder('good', {
      [RUN_FILES.summary]: JSON.stringify(run.summary),
      [RUN_FILES.load]: JSON.stringify(run.load),
    });
    const documents = await readRunFolder(dir);
    assert.deepEqual(documents, { summary: run.summary, load: run.load }, 'the same documents');
  });

  it('names the file that is missing, not JSON, or not the expected document', async () => {
    const run = simpleRun();
    const missing = await folder('missing', { [RUN_FILES.summary]: JSON.stringify(run.summary) });
    await assert.rejects(readRunFolder(missing), new RegExp(`${RUN_FILES.load} does not exist`), 'a missing file');
    const broken = await folder('broken', { [RUN_FILES.summary]: '{', [RUN_FILES.load]: JSON.stringify(run.load) });
    await assert.rejects(readRunFolder(broken), new RegExp(`${RUN_FILES.summary} is not JSON`), 'a torn file');
    const swapped = await folder('swapped', {
      [RUN_FILES.summary]: JSON.stringify(run.load),
      [RUN_FILES.load]: JSON.stringify(run.load),
    });
    await assert.rejects(
      readRunFolder(swapped),
      new RegExp(`${RUN_FILES.summary} is not a span summary`),
      'the wrong document',
    );
  });
});
