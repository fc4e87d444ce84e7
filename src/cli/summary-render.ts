/**
 * The text of `amanuensis summary show`: why the tail is slow (one line per root) and the
 * resources, where the time goes (self time per span name as bars), percentiles per span name, a
 * waterfall of a typical request (mean start offset and mean duration of every path under one
 * root), the slowest request's exact waterfall, and links to the slowest traces.
 */

import { percent, requestEntries, requestLine, resourceEntries, slowestKept } from '../report/attribution.ts';
import { isSaturated } from '../report/saturation.ts';
import { textWaterfall } from '../report/text-waterfall.ts';
import type { PathEntry, SpanSummaryDocument } from '../rollup/document.ts';
import { UsageError } from './usage.ts';

/** Spans drawn of the slowest request; per-launch spans can make a trace hundreds long. */
const MAX_WATERFALL_ROWS = 60;

export interface RenderOptions {
  jaegerUrl: string;
  /** Root span name for the waterfall; default: the root with the most paths under it. */
  root: string | undefined;
  /** Bar width in columns. */
  width: number;
}

/** Milliseconds with about three significant digits. */
export function ms(value: number): string {
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : abs >= 1 ? value.toFixed(2) : value.toFixed(3);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

function bar(fraction: number, width: number): string {
  const cells = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '█'.repeat(cells) + ' '.repeat(width - cells);
}

/** Renders the whole report for one document. */
export function renderSummary(document: SpanSummaryDocument, options: RenderOptions): string {
  const lines: string[] = [];
  const spanCount = document.spans.reduce((total, entry) => total + entry.count, 0);
  lines.push(`Span summary of ${document.service.name}: ${spanCount} spans over ${document.spans.length} names`);
  lines.push(`window ${document.window.start} .. ${document.window.end} (${document.window.kind ?? 'cumulative'})`);
  lines.push(
    `warm-up spans skipped ${document.warmup_spans_skipped}, dropped by the exporter ${document.dropped_spans}` +
      (document.sampling ? `, sampler ${document.sampling.sampler} (rollups see recorded spans only)` : ''),
  );
  const overflow = document.overflow;
  if (overflow && overflow.names + overflow.paths + overflow.in_flight > 0) {
    lines.push(
      `bounds reached: ${overflow.names} spans beyond the name limit, ${overflow.paths} without a path, ${overflow.in_flight} not tracked in flight`,
    );
  }
  if (document.spans.length === 0) {
    lines.push('', 'No spans in this summary.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(...attribution(document));
  lines.push('', ...selfTimeBars(document, options.width), '', ...percentileTable(document));
  const root = chooseRoot(document, options.root);
  if (root) lines.push('', ...waterfall(document, root, options.width));
  lines.push(...slowestKeptWaterfall(document, options));
  if (root) lines.push('', ...slowest(root, options.jaegerUrl));
  return `${lines.join('\n')}\n`;
}

/** Why the tail is slow, one line per root, and each resource's utilization; nothing for older documents. */
function attribution(document: SpanSummaryDocument): string[] {
  const roots = requestEntries(document);
  const resources = resourceEntries(document);
  const lines =
    roots.length > 0 ? ['', 'Why the tail is slow', ...roots.map((entry) => `  ${requestLine(entry)}`)] : [];
  if (resources.length > 0) {
    lines.push('', 'Resources (utilization: busy time / capacity / window)');
    for (const r of resources)
      lines.push(
        `  ${r.name}: capacity ${r.capacity}, utilization ${percent(r.utilization)}, queue ${r.queue_mean.toFixed(2)} mean, ${r.queue_max} max${isSaturated(r) ? ' -- saturated' : ''}`,
      );
  }
  return lines;
}

/** The slowest kept request, every span exact; a plain sentence when the document keeps none. */
function slowestKeptWaterfall(document: SpanSummaryDocument, options: RenderOptions): string[] {
  const trace = slowestKept(document);
  if (!trace)
    return ['', 'No slowest request to draw: this summary keeps no single requests (written by an older version).'];
  return [
    '',
    `The slowest request, exact: ${ms(trace.duration_ms)} ms, ${options.jaegerUrl}/trace/${trace.trace_id}`,
    ...textWaterfall(trace, { width: options.width, maxRows: MAX_WATERFALL_ROWS }),
  ];
}

function selfTimeBars(document: SpanSummaryDocument, width: number): string[] {
  const entries = [...document.spans].sort((a, b) => b.self_total_ms - a.self_total_ms);
  const total = entries.reduce((sum, entry) => sum + entry.self_total_ms, 0);
  const nameWidth = Math.min(32, Math.max(...entries.map((entry) => entry.name.length)));
  const lines = ['Where the time goes: self time per span name (its duration minus its direct children)'];
  for (const entry of entries) {
    const share = total > 0 ? entry.self_total_ms / total : 0;
    lines.push(
      `  ${pad(entry.name, nameWidth)} ${bar(share, width)} ${padLeft((share * 100).toFixed(1), 5)}%  ${padLeft(ms(entry.self_total_ms), 8)} ms`,
    );
  }
  return lines;
}

function percentileTable(document: SpanSummaryDocument): string[] {
  const nameWidth = Math.min(32, Math.max(4, ...document.spans.map((entry) => entry.name.length)));
  const columns = ['count', 'errors', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max', 'self mean'];
  const lines = [`Per span name (ms)`, `  ${pad('name', nameWidth)} ${columns.map((c) => padLeft(c, 9)).join(' ')}`];
  for (const e of document.spans) {
    const cells = [
      String(e.count),
      String(e.errors),
      ms(e.mean_ms),
      ms(e.p50_ms),
      ms(e.p90_ms),
      ms(e.p99_ms),
      ms(e.p999_ms),
      ms(e.max_ms),
      ms(e.self_mean_ms),
    ];
    lines.push(`  ${pad(e.name, nameWidth)} ${cells.map((c) => padLeft(c, 9)).join(' ')}`);
  }
  return lines;
}

/** The one-element path to draw: the named one, or the root with the most paths under it. */
function chooseRoot(document: SpanSummaryDocument, name: string | undefined): PathEntry | undefined {
  const roots = document.paths.filter((path) => path.names.length === 1);
  if (name !== undefined) {
    const root = roots.find((path) => path.names[0] === name);
    if (!root)
      throw new UsageError(
        `--root ${name}: no such root span; roots are ${roots.map((r) => r.names[0]).join(', ') || 'none'}`,
      );
    return root;
  }
  const descendants = (root: PathEntry): number =>
    document.paths.filter((path) => path.names[0] === root.names[0]).length;
  return roots.sort((a, b) => descendants(b) - descendants(a) || b.total_ms - a.total_ms)[0];
}

function isChild(parent: readonly string[], child: readonly string[]): boolean {
  return child.length === parent.length + 1 && parent.every((name, i) => child[i] === name);
}

function waterfall(document: SpanSummaryDocument, root: PathEntry, width: number): string[] {
  const scaleMs = root.mean_ms > 0 ? root.mean_ms : 1;
  const rows: { label: string; entry: PathEntry }[] = [];
  const visit = (entry: PathEntry, depth: number): void => {
    rows.push({ label: `${'  '.repeat(depth)}${entry.names.at(-1)}`, entry });
    const children = document.paths
      .filter((path) => isChild(entry.names, path.names))
      .sort((a, b) => a.start_offset_mean_ms - b.start_offset_mean_ms);
    for (const child of children) visit(child, depth + 1);
  };
  visit(root, 0);
  const labelWidth = Math.min(40, Math.max(...rows.map((row) => row.label.length)));
  const lines = [
    `A typical ${root.names[0]} (${root.count} of them): each stage at its mean start, as long as its mean duration`,
    `  ${pad('', labelWidth)}  0 ms${' '.repeat(Math.max(1, width - 4 - ms(scaleMs).length - 3))}${ms(scaleMs)} ms`,
  ];
  for (const { label, entry } of rows) {
    const start = Math.min(width - 1, Math.max(0, Math.round((entry.start_offset_mean_ms / scaleMs) * width)));
    const length = Math.max(1, Math.min(width - start, Math.round((entry.mean_ms / scaleMs) * width)));
    const cells = ' '.repeat(start) + '█'.repeat(length) + ' '.repeat(width - start - length);
    const perRequest = entry.count / root.count;
    const repeat =
      perRequest > 1.0001 ? `  ×${perRequest % 1 === 0 ? perRequest : perRequest.toFixed(1)} per request` : '';
    lines.push(
      `  ${pad(label, labelWidth)} |${cells}| ${padLeft(ms(entry.start_offset_mean_ms), 7)} +${padLeft(ms(entry.mean_ms), 7)} ms${repeat}`,
    );
  }
  return lines;
}

function slowest(root: PathEntry, jaegerUrl: string): string[] {
  if (root.exemplars.length === 0) return [];
  return [
    `Slowest ${root.names[0]} traces`,
    ...root.exemplars.map(
      (exemplar) => `  ${padLeft(ms(exemplar.duration_ms), 8)} ms  ${jaegerUrl}/trace/${exemplar.trace_id}`,
    ),
  ];
}
