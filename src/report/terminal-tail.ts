/**
 * The terminal report's explanation of a run: why its tail is slow (one line per root, and per
 * scenario) and which resource limits throughput.
 */
import { requestEntries, requestLine, tailLine } from './attribution.ts';
import type { ReportRun } from './input.ts';
import { NEEDS_SPANS } from './needs.ts';
import { scalingVerdict } from './saturation.ts';
import { tailViews } from './tail-views.ts';
import { paint } from './text.ts';

/** The lines, or a plain sentence when there is no span summary or it has no attribution. */
export function tailSection(run: ReportRun, color: boolean): string {
  const roots = run.summary ? requestEntries(run.summary) : [];
  const views = tailViews(run);
  const lines = !run.summary
    ? [views.length > 0 ? paint('why the tail is slow', 'bold', color) : `why the tail is slow: ${NEEDS_SPANS}`]
    : roots.length === 0
      ? ['why the tail is slow: this span summary has no request attribution (written by an older version)']
      : [paint('why the tail is slow', 'bold', color), ...roots.map((entry) => `  ${requestLine(entry)}`)];
  const scenarios = !run.summary ? views : roots.length === 0 ? [] : views.slice(1);
  if (scenarios.length > 0) {
    const width = Math.max(...scenarios.map((v) => v.label.length));
    lines.push(...scenarios.map((v) => `  ${v.label.padEnd(width)}  ${tailLine(v.entry.tail)}`));
  }
  const resources = run.load && scalingVerdict(run.load.scenarios, run.load.scaling_efficiency);
  if (resources) lines.push(paint('resources', 'bold', color), `  ${resources}`);
  return lines.join('\n');
}
