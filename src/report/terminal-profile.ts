/**
 * The report printed at the end of `amanuensis profile`: per run, the scenario table, why the
 * tail is slow and which resource limits throughput, where the time goes per stage (self time
 * share as bars) and the slowest traces with links; with two or more runs, the comparison of
 * each with the first.
 */
import { compareRuns, renderComparison } from './compare.ts';
import { formatLoad, formatMs, msNumber, rpsNumber, rtfNumber } from './format.ts';
import { isComplete, JAEGER_HINT, type ReportInput, type ReportRun, traceUrl } from './input.ts';
import { COMPARISON_NEEDS, NEEDS_LOAD, NEEDS_SPANS } from './needs.ts';
import { timeShares } from './self-time.ts';
import { type SlowTrace, slowestRequests, slowestServerSpans } from './slowest-traces.ts';
import { tailSection } from './terminal-tail.ts';
import { barLine, labelWidth, paint, table } from './text.ts';
import { spanTree } from './tree.ts';

export interface TerminalOptions {
  /** Terminal columns (process.stdout.columns, or 100 when not a TTY). */
  width: number;
  /** ANSI colour; pass false when stdout is not a TTY or NO_COLOR is set. */
  color: boolean;
}

function scenarioTable(run: ReportRun, color: boolean): string {
  if (!run.load) return `scenarios: ${NEEDS_LOAD}`;
  const rows = run.load.scenarios.map((s) => [
    s.name,
    formatLoad(s),
    String(s.requests),
    String(s.succeeded),
    s.failed > 0 ? paint(String(s.failed), 'red', color) : '0',
    rtfNumber(s.throughput_rtf),
    rpsNumber(s.requests_per_s),
    msNumber(s.latency_ms.p50),
    msNumber(s.latency_ms.p99),
  ]);
  const text = table(
    ['scenario', 'load', 'requests', 'ok', 'failed', 'x realtime', 'req/s', 'p50 (ms)', 'p99 (ms)'],
    rows,
    color,
  );
  const efficiency = run.load.scaling_efficiency;
  const note =
    efficiency === null
      ? ''
      : `\nscaling efficiency (throughput at 8 streams / at 4 streams / 2): ${efficiency.toFixed(2)}`;
  return text + note;
}

function whereTimeGoes(run: ReportRun, options: TerminalOptions): string {
  if (!run.summary) return `where time goes: ${NEEDS_SPANS}`;
  const shares = timeShares(run);
  const root = spanTree(run.summary);
  if (!root || shares.length === 0) return 'no spans under a request in the span summary';
  const labels = shares.map((s) => `${'  '.repeat(s.depth)}${s.name}${s.hasChildren ? ' (own)' : ''}`);
  const width = labelWidth(labels, 36);
  const barWidth = Math.max(10, Math.min(50, options.width - width - 24));
  const lines = shares.map(
    (s, i) =>
      `${barLine(labels[i]!, width, s.share, barWidth, options.color)}  ${formatMs(s.selfPerRequestMs).padStart(11)}`,
  );
  const title = `where time goes: self time per request, as a share of ${root.name} (mean ${formatMs(root.entry.mean_ms)} over ${root.entry.count} requests)`;
  return [paint(title, 'bold', options.color), ...lines].join('\n');
}

function traceLine(t: SlowTrace, input: ReportInput): string {
  const link = traceUrl(input.jaegerUrl, t.traceId) ?? t.traceId ?? '(no trace id)';
  const outcome = t.outcome === 'ok' || t.source === 'server' ? '' : ` ${t.outcome}`;
  return `  ${formatMs(t.latencyMs).padStart(12)}  ${t.source}${outcome}  ${link}`;
}

function slowest(run: ReportRun, input: ReportInput, color: boolean): string {
  const client = slowestRequests(run);
  const server = slowestServerSpans(run).slice(0, 1);
  const lines = [paint('slowest requests (client latency)', 'bold', color), ...client.map((t) => traceLine(t, input))];
  if (client.length === 0) lines.push(run.load ? '  none recorded' : '  none: no load results');
  if (server.length > 0)
    lines.push(paint('slowest server span', 'bold', color), ...server.map((t) => traceLine(t, input)));
  if (!input.jaegerReachable) lines.push(paint(JAEGER_HINT, 'yellow', color));
  return lines.join('\n');
}

/** `target, N scenarios` and `service NAME`, or what is missing instead. */
function headingParts(run: ReportRun, color: boolean): string[] {
  const { load, summary } = run;
  const count = load?.scenarios.length ?? 0;
  const dropped =
    summary && summary.dropped_spans > 0
      ? paint(`, ${summary.dropped_spans} spans dropped by the exporter`, 'yellow', color)
      : '';
  return [
    load ? `${load.target}, ${count} scenario${count === 1 ? '' : 's'}` : 'no load results',
    summary ? `service ${summary.service.name}${dropped}` : 'no span summary',
  ];
}

function runSection(run: ReportRun, input: ReportInput, options: TerminalOptions): string {
  const heading = `${paint(`run ${run.label}`, 'bold', options.color)}: ${headingParts(run, options.color).join(', ')}`;
  return [
    heading,
    '',
    scenarioTable(run, options.color),
    '',
    tailSection(run, options.color),
    '',
    whereTimeGoes(run, options),
    '',
    slowest(run, input, options.color),
  ].join('\n');
}

/** The terminal report of one or more runs; ends with a newline. */
export function renderTerminalReport(input: ReportInput, options: TerminalOptions): string {
  const sections = input.runs.map((run) => runSection(run, input, options));
  const [baseline, ...others] = input.runs;
  if (baseline && others.length > 0 && !input.runs.every(isComplete)) sections.push(COMPARISON_NEEDS);
  else if (baseline && isComplete(baseline)) {
    for (const other of others.filter(isComplete)) {
      const comparison = compareRuns(baseline, other);
      sections.push(
        renderComparison(comparison, {
          labels: [baseline.label, other.label],
          color: options.color,
          width: options.width,
        }),
      );
    }
  }
  return `${sections.join('\n\n')}\n`;
}
