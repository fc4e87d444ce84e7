/**
 * A run folder (`results/<timestamp>/`): the names of its files, and reading its two documents
 * back for `amanuensis profile --compare A B`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadResults } from '../loadgen/results.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import type { RunDocuments } from './input.ts';

export const RUN_FILES = { summary: 'span-summary.json', load: 'load-results.json', report: 'report.html' } as const;

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
}

function check(ok: boolean, file: string, what: string): void {
  if (!ok) throw new Error(`${file} is not ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads and checks a run folder's span summary and load results; throws an Error naming the bad file. */
export async function readRunFolder(dir: string): Promise<RunDocuments> {
  const summaryFile = join(dir, RUN_FILES.summary);
  const loadFile = join(dir, RUN_FILES.load);
  const [summary, load] = await Promise.all([readJson(summaryFile), readJson(loadFile)]);
  check(
    isRecord(summary) && summary.schema_version === 1 && Array.isArray(summary.spans) && Array.isArray(summary.paths),
    summaryFile,
    'a span summary (schema_version 1 with spans and paths)',
  );
  check(
    isRecord(load) && load.schema_version === 1 && Array.isArray(load.scenarios),
    loadFile,
    'load results (schema_version 1 with scenarios)',
  );
  return { summary: summary as unknown as SpanSummaryDocument, load: load as unknown as LoadResults };
}
