/**
 * `amanuensis summary show FILE`: read, render, print.
 */
import type { ShowOptions } from './summary.ts';
import { readSummaryFile } from './summary-read.ts';
import { renderSummary } from './summary-render.ts';

export async function runShow(file: string, options: ShowOptions): Promise<void> {
  const document = await readSummaryFile(file);
  process.stdout.write(renderSummary(document, options));
}
