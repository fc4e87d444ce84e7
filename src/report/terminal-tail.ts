/**
 * The terminal report's explanation of a run: why its tail is slow (one line per root, and per
 * scenario) and which resource limits throughput.
 */
import { requestEntries, requestLine, tailLine } from './attribution.ts';
import type { LabelledRun } from './input.ts';
import { scalingVerdict } from './saturation.ts';
import { tailViews } from './tail-views.ts';
import { paint } from './text.ts';

/** The lines, or a plain sentence when the summary has no attribution. */
export function tailSection(run: LabelledRun, color: boolean): string {
  const roots = requestEntries(run.summary);
  const lines =
    roots.length === 0
      ? ['why the tail is slow: this span summary has no request attribution (written by an older version)']
      : [paint('why the tail is slow', 'bold', color), ...roots.map((entry) => `  ${requestLine(entry)}`)];
  const scenarios = roots.length === 0 ? [] : tailViews(run).slice(1);
  if (scenarios.length > 0) {
    const width = Math.max(...scenarios.map((v) => v.label.length));
    lines.push(...scenarios.map((v) => `  ${v.label.padEnd(width)}  ${tailLine(v.entry.tail)}`));
  }
  const resources = scalingVerdict(run.load.scenarios, run.load.scaling_efficiency);
  if (resources) lines.push(paint('resources', 'bold', color), `  ${resources}`);
  return lines.join('\n');
}
