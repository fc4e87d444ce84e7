/**
 * `amanuensis profile --compare A B`: two run folders side by side, the change per stage and per
 * scenario, regressions marked.
 */

import { CliError } from '../core/command-errors.ts';
import { compareRuns, renderComparison } from '../report/compare.ts';
import { readRunFolder } from '../report/run-folder.ts';

type RunFolder = Awaited<ReturnType<typeof readRunFolder>>;

/** Prints the comparison of run folders `a` (baseline) and `b`. */
export async function runCompare(a: string, b: string): Promise<void> {
  let runs: [RunFolder, RunFolder];
  try {
    runs = await Promise.all([readRunFolder(a), readRunFolder(b)]);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), 2);
  }
  const comparison = compareRuns(runs[0], runs[1]);
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(renderComparison(comparison, { labels: [a, b], color, width: process.stdout.columns ?? 100 }));
}
