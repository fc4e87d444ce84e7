/**
 * Result files as `amanuensis report` takes them: a span summary or load results, told apart by
 * their content (the schema), never by their name, so a renamed or downloaded file works; and run
 * folders as `profile` writes them. Every failure is bad usage naming the file.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UsageError } from '../core/command-errors.ts';
import type { LoadResults } from '../loadgen/results.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { validateSummary } from '../rollup/validate.ts';
import type { ReportRun } from './input.ts';
import { type JsonRefusals, readJsonFile } from './run-folder.ts';

/** One result file, read and recognised. */
export type ResultFile =
  | { kind: 'summary'; file: string; document: SpanSummaryDocument }
  | { kind: 'load'; file: string; document: LoadResults };

const NEITHER =
  'is neither a span summary (schema_version 1 with spans and paths) nor load results (schema_version 1 with scenarios)';

/** A run folder's files: `span-summary.json` and `load-results.json`, or `-<offload>` twins of them. */
const FOLDER_FILE = /^(span-summary|load-results)(-[\w.-]+)?\.json$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which document a parsed JSON value is, by its shape; undefined for neither. */
export function resultKind(value: unknown): ResultFile['kind'] | undefined {
  if (!isRecord(value) || value.schema_version !== 1) return undefined;
  if (Array.isArray(value.spans) && Array.isArray(value.paths)) return 'summary';
  if (Array.isArray(value.scenarios) && typeof value.target === 'string') return 'load';
  return undefined;
}

/** A command's wording: bad usage naming the file. */
const USAGE_REFUSALS: JsonRefusals = {
  missing: (file) => new UsageError(`${file}: no such file or folder`),
  unreadable: (file, reason) => new UsageError(`${file}: ${reason}`),
  notJson: (file, reason) => new UsageError(`${file}: not JSON (${reason})`),
};

/** Reads one file and recognises it; a file that is neither document is bad usage. */
export async function readResultFile(file: string): Promise<ResultFile> {
  const value = await readJsonFile(file, USAGE_REFUSALS);
  const kind = resultKind(value);
  if (kind === 'load') return { kind, file, document: value as LoadResults };
  if (kind !== 'summary') throw new UsageError(`${file} ${NEITHER}`);
  try {
    return { kind, file, document: validateSummary(value) };
  } catch (error) {
    throw new UsageError(`${file}: not a valid span summary: ${(error as Error).message}`);
  }
}

/**
 * The runs of a folder `profile` wrote: the main pair, and a `-<offload>` pair per other run of
 * `--compare-offload`. Either file of a pair may be missing (a profile of an external target
 * without `--collect` writes no span summary); a folder with neither is bad usage.
 */
export async function readRunFolderRuns(dir: string): Promise<ReportRun[]> {
  const names = (await readdir(dir)).filter((name) => FOLDER_FILE.test(name)).sort();
  const runs = new Map<string, ReportRun>();
  const folder = basename(dir.replace(/[\\/]+$/, '')) || dir;
  for (const name of names) {
    const [, prefix, suffix = ''] = FOLDER_FILE.exec(name)!;
    const read = await readResultFile(join(dir, name));
    const expected = prefix === 'span-summary' ? 'summary' : 'load';
    if (read.kind !== expected) throw new UsageError(`${read.file}: its name says ${prefix} but it is not`);
    const run = runs.get(suffix) ?? { label: suffix ? `${folder} ${suffix.slice(1)}` : folder };
    if (read.kind === 'summary') run.summary = read.document;
    else run.load = read.document;
    runs.set(suffix, run);
  }
  if (runs.size === 0) throw new UsageError(`${dir}: a folder without span-summary.json or load-results.json`);
  // The main pair first (no suffix sorts before any), then the others by name.
  return [...runs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, run]) => run);
}

/** Whether `path` is a folder (false for a file; bad usage when it does not exist). */
export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? USAGE_REFUSALS.missing(path) : USAGE_REFUSALS.unreadable(path, (error as Error).message);
  }
}
