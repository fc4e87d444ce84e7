/**
 * Waterfalls as text: one line per span, indented by depth, its bar placed at its start and as
 * long as its duration on a shared time axis, and the numbers beside it. Two sources draw the
 * same way: a kept request (every span exact) and the typical request of the span summary's paths
 * (each path's mean start and mean duration).
 */
import type { KeptTrace } from '../rollup/document.ts';
import { msCompact } from './format.ts';
import { keptRows } from './kept-rows.ts';
import { truncate } from './text.ts';
import type { TypicalWaterfall } from './typical-waterfall.ts';

/** Labels wider than this are truncated, so deep trees keep their bars in view. */
const MAX_LABEL_WIDTH = 40;
/** Bars get at least this many columns, however narrow the width asked for. */
const MIN_BAR_WIDTH = 10;

export interface TextWaterfallRow {
  name: string;
  /** 0 for the root. */
  depth: number;
  /** From the root span's start. */
  startMs: number;
  durationMs: number;
  /** Said after the numbers, e.g. how often the span occurs per request. */
  note?: string;
}

export interface TextWaterfallOptions {
  /** Bar columns. */
  width: number;
  /** Lines of spans at most; a long trace (per-launch spans) ends with a count of the rest. */
  maxRows: number;
}

/** The axis line and one line per row; the axis ends at `scaleMs` or the latest end, whichever is later. */
export function waterfallLines(rows: readonly TextWaterfallRow[], width: number, scaleMs = 0): string[] {
  const scale = Math.max(scaleMs, ...rows.map((r) => r.startMs + r.durationMs), 1e-9);
  const labels = rows.map((r) => `${'  '.repeat(r.depth)}${r.name}`);
  const labelWidth = Math.min(MAX_LABEL_WIDTH, Math.max(...labels.map((l) => l.length)));
  const columns = Math.max(MIN_BAR_WIDTH, width);
  const end = msCompact(scale);
  const lines = [`  ${' '.repeat(labelWidth)}  0 ms${' '.repeat(Math.max(1, columns - 4 - end.length - 3))}${end} ms`];
  for (const [i, row] of rows.entries()) {
    const start = Math.min(columns - 1, Math.max(0, Math.floor((row.startMs / scale) * columns)));
    const length = Math.max(1, Math.min(columns - start, Math.round((row.durationMs / scale) * columns)));
    const cells = ' '.repeat(start) + '█'.repeat(length) + ' '.repeat(columns - start - length);
    const numbers = `${msCompact(row.startMs).padStart(7)} +${msCompact(row.durationMs).padStart(7)} ms`;
    lines.push(
      `  ${truncate(labels[i]!, labelWidth).padEnd(labelWidth)} |${cells}| ${numbers}${row.note ? `  ${row.note}` : ''}`,
    );
  }
  return lines;
}

/** A kept request's waterfall (no title), every span at its exact start and duration. */
export function keptTextWaterfall(trace: KeptTrace, options: TextWaterfallOptions): string[] {
  const rows = keptRows(trace);
  const scale = Math.max(trace.duration_ms, ...rows.map((r) => r.startMs + r.durationMs));
  const lines = waterfallLines(rows.slice(0, options.maxRows), options.width, scale);
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

/** The typical request's waterfall (no title), saying how often a stage repeats per request. */
export function typicalTextWaterfall(waterfall: TypicalWaterfall, width: number): string[] {
  const rows = waterfall.rows.map((row) => ({
    ...row,
    note:
      row.perRequest > 1.0001
        ? `×${row.perRequest % 1 === 0 ? row.perRequest : row.perRequest.toFixed(1)} per request`
        : undefined,
  }));
  return waterfallLines(rows, width);
}
