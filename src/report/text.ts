/**
 * Plain-text building blocks for the terminal reports: aligned tables, bars and optional ANSI
 * colour (only when asked for, so output piped to a file stays clean).
 */
import { stripVTControlCharacters } from 'node:util';
import { formatShare } from './format.ts';

const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof STYLES;

/** `text` in `style` when `color` is on; unchanged otherwise. */
export function paint(text: string, style: Style, color: boolean): string {
  if (!color || text === '') return text;
  const [on, off] = STYLES[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** Length of `text` as shown, without ANSI sequences. */
export function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}

function pad(text: string, width: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(text)));
  return left ? text + fill : fill + text;
}

/** Shortens `text` to `width` characters with an ellipsis. */
export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * An aligned table: the first column left-aligned, the others right-aligned, except the last
 * when `lastLeft` (a trailing text column such as a verdict).
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  color: boolean,
  lastLeft = false,
): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => visibleLength(row[column] ?? ''))));
  const left = (column: number): boolean => column === 0 || (lastLeft && column === header.length - 1);
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => pad(cell, widths[column]!, left(column)))
      .join('  ')
      .trimEnd();
  return [paint(line(header), 'bold', color), ...rows.map(line)].join('\n');
}

/** A horizontal bar of `fraction` (0..1) of `width` cells, in eighths. */
export function bar(fraction: number, width: number): string {
  const cells = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * width;
  const full = Math.floor(cells);
  const partial = Math.round((cells - full) * 8);
  const eighths = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
  return '█'.repeat(full) + (partial === 8 ? '█' : (eighths[partial] ?? ''));
}

/** The width of a label column: its longest text, but at most `max` (longer ones are truncated). */
export function labelWidth(labels: readonly string[], max: number): number {
  return Math.min(max, Math.max(0, ...labels.map(visibleLength)));
}

/**
 * One line of a bar chart: the label padded (or truncated) to `width`, a bar of `fraction` over
 * `barWidth` columns and the fraction as a percentage; callers append their own value.
 */
export function barLine(label: string, width: number, fraction: number, barWidth: number, color: boolean): string {
  const cells = paint(bar(fraction, barWidth).padEnd(barWidth), 'cyan', color);
  return `${pad(truncate(label, width), width, true)}  ${cells}  ${formatShare(fraction).padStart(6)}`;
}

/** Every line of `text` indented by `prefix`, for a table or chart nested under a heading. */
export function indent(text: string, prefix = '  '): string[] {
  return text.split('\n').map((line) => prefix + line);
}
