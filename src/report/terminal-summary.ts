/**
 * One span summary as text (`amanuensis summary show`): why the tail is slow (one line per root)
 * and the resources, where the time goes (self time per span name as bars), percentiles per span
 * name, a waterfall of a typical request (mean start offset and mean duration of every path under
 * one root), the slowest request's exact waterfall, and links to the slowest traces.
 */
import type { PathEntry, SpanSummaryDocument } from '../rollup/document.ts';
import { percent, requestEntries, requestLine, resourceEntries, slowestKept } from './attribution.ts';
import { msCompact } from './format.ts';
import { traceUrl } from './input.ts';
import { isSaturated } from './saturation.ts';
import { barLine, indent, labelWidth, table } from './text.ts';
import { keptTextWaterfall, typicalTextWaterfall } from './text-waterfall.ts';
import { typicalWaterfall } from './typical-waterfall.ts';

/** Spans drawn of the slowest request; per-launch spans can make a trace hundreds long. */
const MAX_WATERFALL_ROWS = 60;
/** Span names wider than this are truncated in the bar chart. */
const MAX_NAME_WIDTH = 32;

export interface SummaryTextOptions {
  jaegerUrl: string;
  /** Root span name for the waterfall, one of {@link rootNames}; default the first of them. */
  root: string | undefined;
  /** Bar width in columns. */
  width: number;
}

/** The names of the document's root spans, the one with the most paths under it (then the most time) first. */
export function rootNames(document: SpanSummaryDocument): string[] {
  const roots = document.paths.filter((path) => path.names.length === 1);
  const descendants = (root: PathEntry): number =>
    document.paths.filter((path) => path.names[0] === root.names[0]).length;
  return roots.sort((a, b) => descendants(b) - descendants(a) || b.total_ms - a.total_ms).map((root) => root.names[0]!);
}

/** The whole text for one document; ends with a newline. */
export function renderSummaryText(document: SpanSummaryDocument, options: SummaryTextOptions): string {
  const lines = header(document);
  if (document.spans.length === 0) {
    lines.push('', 'No spans in this summary.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(...attribution(document));
  lines.push('', ...selfTimeBars(document, options.width), '', ...percentileTable(document));
  const root = options.root ?? rootNames(document)[0];
  const typical = root === undefined ? undefined : typicalWaterfall(document, root);
  if (typical) {
    lines.push(
      '',
      `A typical ${typical.root} (${typical.requests} of them): each stage at its mean start, as long as its mean duration`,
      ...typicalTextWaterfall(typical, options.width),
    );
  }
  lines.push(...slowestKeptWaterfall(document, options));
  const exemplars = document.paths.find((path) => path.names.length === 1 && path.names[0] === root)?.exemplars ?? [];
  if (exemplars.length > 0) {
    lines.push('', `Slowest ${root} traces`);
    for (const exemplar of exemplars)
      lines.push(`  ${msCompact(exemplar.duration_ms).padStart(8)} ms  ${link(options.jaegerUrl, exemplar.trace_id)}`);
  }
  return `${lines.join('\n')}\n`;
}

function header(document: SpanSummaryDocument): string[] {
  const spanCount = document.spans.reduce((total, entry) => total + entry.count, 0);
  const lines = [
    `Span summary of ${document.service.name}: ${spanCount} spans over ${document.spans.length} names`,
    `window ${document.window.start} .. ${document.window.end} (${document.window.kind ?? 'cumulative'})`,
    `warm-up spans skipped ${document.warmup_spans_skipped}, dropped by the exporter ${document.dropped_spans}` +
      (document.sampling ? `, sampler ${document.sampling.sampler} (rollups see recorded spans only)` : ''),
  ];
  const overflow = document.overflow;
  if (overflow && overflow.names + overflow.paths + overflow.in_flight > 0) {
    lines.push(
      `bounds reached: ${overflow.names} spans beyond the name limit, ${overflow.paths} without a path, ${overflow.in_flight} not tracked in flight`,
    );
  }
  return lines;
}

function link(jaegerUrl: string, traceId: string): string {
  return traceUrl(jaegerUrl, traceId) ?? traceId;
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
function slowestKeptWaterfall(document: SpanSummaryDocument, options: SummaryTextOptions): string[] {
  const trace = slowestKept(document);
  if (!trace)
    return ['', 'No slowest request to draw: this summary keeps no single requests (written by an older version).'];
  return [
    '',
    `The slowest request, exact: ${msCompact(trace.duration_ms)} ms, ${link(options.jaegerUrl, trace.trace_id)}`,
    ...keptTextWaterfall(trace, { width: options.width, maxRows: MAX_WATERFALL_ROWS }),
  ];
}

function selfTimeBars(document: SpanSummaryDocument, width: number): string[] {
  const entries = [...document.spans].sort((a, b) => b.self_total_ms - a.self_total_ms);
  const total = entries.reduce((sum, entry) => sum + entry.self_total_ms, 0);
  const nameWidth = labelWidth(
    entries.map((entry) => entry.name),
    MAX_NAME_WIDTH,
  );
  const lines = ['Where the time goes: self time per span name (its duration minus its direct children)'];
  for (const entry of entries) {
    const share = total > 0 ? entry.self_total_ms / total : 0;
    const chart = barLine(entry.name, nameWidth, share, width, false);
    lines.push(`  ${chart}  ${msCompact(entry.self_total_ms).padStart(8)} ms`);
  }
  return lines;
}

function percentileTable(document: SpanSummaryDocument): string[] {
  const header = ['name', 'count', 'errors', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max', 'self mean'];
  const rows = document.spans.map((e) => [
    e.name,
    String(e.count),
    String(e.errors),
    ...[e.mean_ms, e.p50_ms, e.p90_ms, e.p99_ms, e.p999_ms, e.max_ms, e.self_mean_ms].map(msCompact),
  ]);
  return ['Per span name (ms)', ...indent(table(header, rows, false))];
}
