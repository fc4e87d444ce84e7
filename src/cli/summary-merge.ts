/**
 * `amanuensis summary merge A B... -o OUT`: reads every file (failing on the first bad one, by
 * name), merges them, and writes the result atomically.
 */

import { CliError } from '../core/command-errors.ts';
import { mergeSummaries, SummaryMergeError } from '../rollup/merge.ts';
import { writeFileAtomic } from '../rollup/writer.ts';
import { checkOutputFile } from './output-path.ts';
import { readSummaryFile } from './summary-read.ts';

/** Merges `files` into `out`; prints one line on success. */
export async function runMerge(files: readonly string[], out: string): Promise<void> {
  const target = await checkOutputFile(out, '-o');
  const documents = [];
  for (const file of files) documents.push(await readSummaryFile(file));
  let merged: ReturnType<typeof mergeSummaries>;
  try {
    merged = mergeSummaries(documents);
  } catch (error) {
    if (error instanceof SummaryMergeError && error.index >= 0)
      throw new CliError(`${files[error.index]}: cannot merge: ${error.message}`);
    throw new CliError(`cannot merge: ${(error as Error).message}`);
  }
  try {
    await writeFileAtomic(target, `${JSON.stringify(merged, null, 2)}\n`);
  } catch (error) {
    throw new CliError(`${out}: cannot write: ${(error as Error).message}`);
  }
  const spans = merged.spans.reduce((total, entry) => total + entry.count, 0);
  process.stdout.write(
    `merged ${files.length} summaries (${spans} spans over ${merged.spans.length} names) into ${out}\n`,
  );
}
