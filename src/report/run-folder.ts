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

/** The errors a JSON file is refused with; `reason` is the system's or the parser's message. */
export interface JsonRefusals {
  missing(file: string): Error;
  unreadable(file: string, reason: string): Error;
  notJson(file: string, reason: string): Error;
}

/** The library's wording: plain errors, for a caller that words its own failures. */
const LIBRARY_REFUSALS: JsonRefusals = {
  missing: (file) => new Error(`${file} does not exist`),
  unreadable: (file, reason) => new Error(`cannot read ${file}: ${reason}`),
  notJson: (file, reason) => new Error(`${file} is not JSON: ${reason}`),
};

/** Reads and parses a JSON file; a file that is missing, unreadable or not JSON is refused as `refuse` words it. */
export async function readJsonFile(file: string, refuse: JsonRefusals = LIBRARY_REFUSALS): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? refuse.missing(file) : refuse.unreadable(file, (error as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refuse.notJson(file, (error as Error).message);
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
  const [summary, load] = await Promise.all([readJsonFile(summaryFile), readJsonFile(loadFile)]);
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
