/**
 * A kept request as a text waterfall: one line per span, indented by depth, its bar placed at its
 * exact start and as long as its duration on a shared time axis, and the numbers beside it.
 */
import type { KeptTrace } from '../rollup/document.ts';
import { keptRows } from './kept.ts';
import { truncate } from './text.ts';

export interface TextWaterfallOptions {
  /** Bar columns. */
  width: number;
  /** Lines of spans at most; a long trace (per-launch spans) ends with a count of the rest. */
  maxRows: number;
}

function ms(value: number): string {
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** The lines of the waterfall (no title). */
export function textWaterfall(trace: KeptTrace, options: TextWaterfallOptions): string[] {
  const rows = keptRows(trace);
  const scale = Math.max(trace.duration_ms, ...rows.map((r) => r.startMs + r.durationMs), 1e-9);
  const labels = rows.map((r) => `${'  '.repeat(r.depth)}${r.name}`);
  const labelWidth = Math.min(40, Math.max(...labels.map((l) => l.length)));
  const width = Math.max(10, options.width);
  const lines = [
    `  ${' '.repeat(labelWidth)}  0 ms${' '.repeat(Math.max(1, width - 4 - ms(scale).length - 3))}${ms(scale)} ms`,
  ];
  for (const [i, row] of rows.slice(0, options.maxRows).entries()) {
    const start = Math.min(width - 1, Math.max(0, Math.floor((row.startMs / scale) * width)));
    const length = Math.max(1, Math.min(width - start, Math.round((row.durationMs / scale) * width)));
    const cells = ' '.repeat(start) + '█'.repeat(length) + ' '.repeat(width - start - length);
    lines.push(
      `  ${truncate(labels[i]!, labelWidth).padEnd(labelWidth)} |${cells}| ${ms(row.startMs).padStart(7)} +${ms(row.durationMs).padStart(7)} ms`,
    );
  }
  if (rows.length > options.maxRows)
    lines.push(
      `  … ${rows.length - options.maxRows} more spans (every span is in the summary's kept trace and in Jaeger)`,
    );
  if (trace.truncated_spans)
    lines.push(
      `  (${trace.truncated_spans} more spans of this request were left out of the kept trace: the summary bounds its size)`,
    );
  return lines;
}
