/**
 * `amanuensis summary show FILE`: read, check `--root` against the document, render, print.
 */

import { UsageError } from '../core/command-errors.ts';
import { renderSummaryText, rootNames } from '../report/terminal-summary.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import type { ShowOptions } from './summary.ts';
import { readSummaryFile } from './summary-read.ts';

/** The text of `summary show`; a `--root` the document does not have is bad usage. */
export function renderSummary(document: SpanSummaryDocument, options: ShowOptions): string {
  if (options.root !== undefined && document.spans.length > 0) {
    const roots = rootNames(document);
    if (!roots.includes(options.root))
      throw new UsageError(`--root ${options.root}: no such root span; roots are ${roots.join(', ') || 'none'}`);
  }
  return renderSummaryText(document, options);
}

/** Reads `file` and prints its summary. */
export async function runShow(file: string, options: ShowOptions): Promise<void> {
  const document = await readSummaryFile(file);
  process.stdout.write(renderSummary(document, options));
}
