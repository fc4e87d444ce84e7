/**
 * Reads span summary files for `amanuensis summary`: every failure becomes one line naming the
 * file (missing, unreadable, truncated, not JSON, wrong schema version, bad field).
 */
import { readFile } from 'node:fs/promises';
import { CliError } from '../core/command-errors.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { parseSummary } from '../rollup/validate.ts';

/** Reads and validates one summary file; throws CliError("FILE: why"). */
export async function readSummaryFile(path: string): Promise<SpanSummaryDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message}`,
    );
  }
  try {
    return parseSummary(text);
  } catch (error) {
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
}
