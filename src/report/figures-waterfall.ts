/**
 * Waterfalls: the typical request (mean start and duration of every path) and the slowest one
 * (its trace's stage durations kept as exemplars, beside the typical ones, with a Jaeger link).
 */
import { stageColors } from './colors.ts';
import { axis, baseOptions, type Figure } from './figure.ts';
import { formatCount, formatMs, MISSING } from './format.ts';
import { escapeHtml, htmlTable, jaegerNote, num, traceLink } from './html-util.ts';
import type { ReportInput, RunDocuments } from './input.ts';
import { slowestWaterfall, typicalWaterfall, type WaterfallRow } from './waterfall.ts';

const INDENT = '\u2003';
const TYPICAL_GREY = '#cbd5e1';

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

function span(row: WaterfallRow): [number, number] | null {
  return row.startMs === null || row.durationMs === null ? null : [row.startMs, row.startMs + row.durationMs];
}

/** Mean start and duration of every path under the request's root span. */
export function typicalWaterfallFigure(run: RunDocuments, id: string): Figure | undefined {
  const typical = typicalWaterfall(run.summary);
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
    title: 'Waterfall of a typical request',
    captionHtml:
      `Each bar starts at the mean start of its span relative to the start of <code>${escapeHtml(typical.rows[0]!.name)}</code> and lasts its mean duration, ` +
      `over all ${formatCount(typical.requests)} requests of the run (all scenarios). ×n marks a span that runs n times per request; its bar is one typical occurrence.`,
    altText: 'Horizontal waterfall chart of mean start and duration of each stage of a request, in milliseconds.',
    tableHtml: htmlTable('Typical request: mean start and duration per span', ['span', 'mean start', 'mean duration', 'spans per request', 'path'], rows),
    chart: {
      id,
      config: {
        type: 'bar',
        data: { labels: typical.rows.map(label), datasets: [{ label: 'mean start → mean end', data: typical.rows.map(span), backgroundColor: colorsOf(typical.rows) }] },
        options: baseOptions({ x: axis(`ms since ${typical.rows[0]!.name} started`, { beginAtZero: true }), y: { ticks: { autoSkip: false } } }, {
          indexAxis: 'y',
          plugins: { legend: { display: false } },
        }),
      },
      units: ['ms'],
    },
    heightPx: 90 + 24 * typical.rows.length,
  };
}

/** What the slowest request's row says when the summary kept no duration for it. */
function unknownNote(row: WaterfallRow): string {
  if (row.atMostMs === 0) return 'not in this trace';
  return row.atMostMs === undefined ? 'not kept' : `≤ ${formatMs(row.atMostMs)}, not kept`;
}

/** The slowest root span: its stages as kept by the summary, next to the typical request's. */
export function slowestWaterfallFigure(run: RunDocuments, id: string, input: ReportInput): Figure | undefined {
  const slow = slowestWaterfall(run.summary);
  const typical = typicalWaterfall(run.summary);
  if (!slow || !typical) return undefined;
  const rootName = slow.rows[0]!.name;
  const known = slow.rows.filter((r) => r.durationMs !== null).length;
  const rows = slow.rows.map((r, i) => [
    `${INDENT.repeat(r.depth)}${r.name}`,
    num(r.durationMs === null ? unknownNote(r) : formatMs(r.durationMs)),
    num(formatMs(typical.rows[i]?.durationMs)),
    num(r.durationMs !== null && typical.rows[i]?.durationMs ? `${(r.durationMs / typical.rows[i]!.durationMs!).toFixed(1)}×` : MISSING),
  ]);
  const link = traceLink(input.jaegerUrl, slow.traceId);
  return {
    id,
    title: 'Waterfall of the slowest request',
    captionHtml:
      `The slowest <code>${escapeHtml(rootName)}</code> span of the run took <strong>${formatMs(slow.durationMs)}</strong> ` +
      `(the typical one ${formatMs(slow.typicalMs)}); trace ${link}. The span summary keeps the durations of each span path's five slowest spans with their trace ids, ` +
      `not their start times: coloured bars are this trace's spans found among them (${known} of ${slow.rows.length}), placed where the typical request's spans start, ` +
      `scaled to this request's length (estimated); grey bars are the typical request. A span that was not kept took at most its path's fastest exemplar (≤ shown). ` +
      `Open the trace in Jaeger for its exact timeline.` +
      jaegerNote(input.jaegerReachable),
    altText: 'Horizontal waterfall chart of the slowest request\'s stage durations beside the typical request\'s, in milliseconds.',
    tableHtml: htmlTable(
      `Slowest request (trace ${slow.traceId}): duration per span against the typical request`,
      ['span', 'this request', 'typical (mean)', 'ratio'],
      rows,
    ),
    chart: {
      id,
      config: {
        type: 'bar',
        data: {
          labels: slow.rows.map((r) => (r.durationMs === null ? `${label(r)} (${unknownNote(r)})` : label(r))),
          datasets: [
            { label: 'slowest request (start estimated)', data: slow.rows.map(span), backgroundColor: colorsOf(slow.rows) },
            { label: 'typical request (means)', data: typical.rows.map(span), backgroundColor: TYPICAL_GREY },
          ],
        },
        options: baseOptions({ x: axis(`ms since ${rootName} started`, { beginAtZero: true }), y: { ticks: { autoSkip: false } } }, { indexAxis: 'y' }),
      },
      units: ['ms', 'ms'],
    },
    heightPx: 110 + 30 * slow.rows.length,
    wide: true,
  };
}
