/**
 * Waterfalls: single requests the span summary kept whole (the slowest, and a typical one near
 * the median), every span at its exact start and duration; and, for summaries that keep no
 * traces, the typical request as the mean start and duration of every path.
 */
import type { KeptTrace, SpanSummaryDocument } from '../rollup/document.ts';
import { slowestKept, typicalKept } from './attribution.ts';
import { isWait, stageColors, WAIT_COLOR } from './colors.ts';
import { axis, baseOptions, type Figure } from './figure.ts';
import { formatCount, formatMs } from './format.ts';
import { escapeHtml, htmlTable, jaegerNote, num, traceLink } from './html-util.ts';
import type { ReportInput } from './input.ts';
import { type KeptRow, keptRows } from './kept-rows.ts';
import { typicalWaterfall, type WaterfallRow } from './typical-waterfall.ts';

const INDENT = '\u2003';

/** Headings of the two waterfalls, also used by the notes that stand in for them. */
export const TYPICAL_TITLE = 'Waterfall of a typical request';
/** See {@link TYPICAL_TITLE}. */
export const SLOWEST_TITLE = 'Waterfall of the slowest request';

function label(row: WaterfallRow): string {
  return `${INDENT.repeat(row.depth)}${row.name}${row.perRequest > 1.05 ? ` ×${row.perRequest.toFixed(1)}` : ''}`;
}

function family(row: WaterfallRow): string {
  const names = row.path.split('/');
  return row.depth <= 1 ? row.name : (names[1] ?? row.name);
}

function colorsOf(rows: WaterfallRow[]): string[] {
  const colors = stageColors(rows.map((r) => ({ name: r.path, family: family(r) })));
  return rows.map((r) => colors.get(r.path)!);
}

function keptColors(rows: KeptRow[]): string[] {
  const colors = stageColors(rows.map((r) => ({ name: r.name, family: r.family })));
  return rows.map((r) => (isWait(r.name) ? WAIT_COLOR : colors.get(r.name)!));
}

/** Mean start and duration of every path under the request's root span (summaries without kept traces). */
export function meanWaterfallFigure(summary: SpanSummaryDocument, id: string): Figure | undefined {
  const typical = typicalWaterfall(summary);
  if (!typical) return undefined;
  const rows = typical.rows.map((r) => [
    `${INDENT.repeat(r.depth)}${r.name}`,
    num(formatMs(r.startMs)),
    num(formatMs(r.durationMs)),
    num(r.perRequest.toFixed(2)),
    r.path,
  ]);
  return {
    id,
    title: TYPICAL_TITLE,
    captionHtml:
      `Each bar starts at the mean start of its span relative to the start of <code>${escapeHtml(typical.rows[0]!.name)}</code> and lasts its mean duration, ` +
      `over all ${formatCount(typical.requests)} requests of the run (all scenarios). ×n marks a span that runs n times per request; its bar is one typical occurrence. ` +
      `(This span summary keeps no single requests, so the means stand in for one.)`,
    altText: 'Horizontal waterfall chart of mean start and duration of each stage of a request, in milliseconds.',
    tableHtml: htmlTable(
      'Typical request: mean start and duration per span',
      ['span', 'mean start', 'mean duration', 'spans per request', 'path'],
      rows,
    ),
    chart: {
      id,
      config: {
        type: 'bar',
        data: {
          labels: typical.rows.map(label),
          datasets: [
            {
              label: 'mean start → mean end',
              data: typical.rows.map((r) => [r.startMs, r.startMs + r.durationMs]),
              backgroundColor: colorsOf(typical.rows),
            },
          ],
        },
        options: baseOptions(
          {
            x: axis(`ms since ${typical.rows[0]!.name} started`, { beginAtZero: true }),
            y: { ticks: { autoSkip: false, crossAlign: 'far' } },
          },
          {
            indexAxis: 'y',
            plugins: { legend: { display: false } },
          },
        ),
      },
      units: ['ms'],
    },
    heightPx: 90 + 24 * typical.rows.length,
  };
}

/** One kept request, every span at its exact start for its exact duration. */
export function keptWaterfallFigure(
  trace: KeptTrace,
  id: string,
  title: string,
  what: string,
  input: ReportInput,
): Figure {
  const rows = keptRows(trace);
  const rootName = rows[0]?.name ?? 'the root';
  const table = rows.map((r) => [
    `${INDENT.repeat(r.depth)}${r.name}`,
    num(formatMs(r.startMs)),
    num(formatMs(r.durationMs)),
    num(formatMs(r.startMs + r.durationMs)),
  ]);
  return {
    id,
    title,
    captionHtml:
      `${what} took <strong>${formatMs(trace.duration_ms)}</strong>; trace ${traceLink(input.jaegerUrl, trace.trace_id)}. ` +
      `Every span of the request as the span summary kept it: each bar starts at the span's start, measured from the start of <code>${escapeHtml(rootName)}</code>, and lasts its duration. ` +
      `Red bars are waiting (for a worker thread, an admission slot, the NPU); a span too short to see is drawn two pixels wide.` +
      (trace.truncated_spans
        ? ` ${formatCount(trace.truncated_spans)} more spans of this request were left out (the summary bounds a kept trace's size); Jaeger has them all.`
        : '') +
      jaegerNote(input.jaegerReachable),
    altText: `Horizontal waterfall chart of every span of one request (${rows.length} spans), start and duration in milliseconds.`,
    tableHtml: htmlTable(
      `Trace ${trace.trace_id}: every span's start and duration`,
      ['span', 'start', 'duration', 'end'],
      table,
    ),
    chart: {
      id,
      config: {
        type: 'bar',
        data: {
          labels: rows.map((r) => `${INDENT.repeat(r.depth)}${r.name}`),
          datasets: [
            {
              label: 'start → end',
              data: rows.map((r) => [r.startMs, r.startMs + r.durationMs]),
              backgroundColor: keptColors(rows),
              minBarLength: 2,
            },
          ],
        },
        options: baseOptions(
          {
            x: axis(`ms since ${rootName} started`, { beginAtZero: true }),
            y: { ticks: { autoSkip: false, crossAlign: 'far' } },
          },
          {
            indexAxis: 'y',
            plugins: { legend: { display: false } },
          },
        ),
      },
      units: ['ms'],
    },
    heightPx: 90 + 20 * rows.length,
    wide: true,
  };
}

/** The typical request: a kept one near the median when the summary has one, else the means of every path. */
export function typicalWaterfallFigure(
  summary: SpanSummaryDocument,
  id: string,
  input: ReportInput,
): Figure | undefined {
  const kept = typicalKept(summary);
  return kept
    ? keptWaterfallFigure(kept, id, TYPICAL_TITLE, 'A request near the median', input)
    : meanWaterfallFigure(summary, id);
}

/** The slowest request the summary kept; undefined when it keeps none (the section says so instead). */
export function slowestWaterfallFigure(
  summary: SpanSummaryDocument,
  id: string,
  input: ReportInput,
): Figure | undefined {
  const kept = slowestKept(summary);
  return kept ? keptWaterfallFigure(kept, id, SLOWEST_TITLE, 'The slowest request of the run', input) : undefined;
}
