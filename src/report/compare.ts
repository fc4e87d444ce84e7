/**
 * Two runs side by side: per stage (span name, from the span summaries) and per scenario (from
 * the load results), the change in absolute terms and in percent, with regressions marked. A
 * time is a regression when it grew by more than both thresholds (10% and 1 ms by default), so
 * noise on sub-millisecond stages does not raise alarms; a rate when it fell by more than the
 * percentage; failures whenever there are more of them.
 */
import type { ScenarioResult } from '../loadgen/results.ts';
import type { SpanEntry } from '../rollup/document.ts';
import { formatPercentChange, formatSigned, MISSING, msNumber, rtfNumber } from './format.ts';
import type { RunDocuments } from './input.ts';
import { paint, table, truncate } from './text.ts';
import { nameHierarchy, spanTree } from './tree.ts';

export type Unit = 'ms' | 'x realtime' | 'req/s' | 'requests';

export interface Change {
  metric: string;
  unit: Unit;
  before: number | null;
  after: number | null;
  /** after - before; null when either is missing. */
  delta: number | null;
  /** The change in percent of before; null when either is missing or before is 0. */
  percent: number | null;
  regression: boolean;
  improvement: boolean;
}

export interface Compared {
  name: string;
  /** False when only one of the runs has it. */
  inBoth: boolean;
  changes: Change[];
}

export interface RunComparison {
  /** Per span name: time per request (all its spans' time over the requests) and p99 of one span. */
  stages: Compared[];
  /** Per scenario (matched by name): throughput, request rate, p50, p99, failures. */
  scenarios: Compared[];
  /** How many stages and scenarios have at least one regression. */
  regressions: { stages: number; scenarios: number };
  thresholds: { percent: number; ms: number };
}

export interface CompareOptions {
  /** Relative growth of a time (or fall of a rate) that counts as a regression; default 10 (%). */
  regressionPercent?: number;
  /** Absolute growth of a time that must also be exceeded; default 1 (ms). */
  regressionMs?: number;
}

type Better = 'lower' | 'higher' | 'fewer';

function change(
  metric: string,
  unit: Unit,
  better: Better,
  before: number | null | undefined,
  after: number | null | undefined,
  t: RunComparison['thresholds'],
): Change {
  const b = typeof before === 'number' && Number.isFinite(before) ? before : null;
  const a = typeof after === 'number' && Number.isFinite(after) ? after : null;
  const delta = a !== null && b !== null ? a - b : null;
  const percent = delta !== null && b !== null && b !== 0 ? (delta / Math.abs(b)) * 100 : null;
  const worse = (d: number, p: number | null): boolean => {
    if (better === 'fewer') return d > 0;
    if (better === 'higher') return p !== null && -p > t.percent;
    return d > t.ms && (p === null || p > t.percent);
  };
  const regression = delta !== null && worse(delta, percent);
  const improvement = delta !== null && worse(-delta, percent === null ? null : -percent);
  return { metric, unit, before: b, after: a, delta, percent, regression, improvement };
}

function rootCount(run: RunDocuments): number {
  return spanTree(run.summary)?.entry.count ?? 0;
}

function stageNames(a: RunDocuments, b: RunDocuments): string[] {
  const ordered: string[] = [];
  for (const run of [a, b]) {
    const tree = spanTree(run.summary);
    const names = tree ? nameHierarchy(tree).names : [];
    for (const name of [...names, ...run.summary.spans.map((s) => s.name)])
      if (!ordered.includes(name)) ordered.push(name);
  }
  return ordered;
}

function compareStage(name: string, a: RunDocuments, b: RunDocuments, t: RunComparison['thresholds']): Compared {
  const find = (run: RunDocuments): SpanEntry | undefined =>
    run.summary.spans.find((s) => s.name === name && s.count > 0);
  const before = find(a);
  const after = find(b);
  const perRequest = (entry: SpanEntry | undefined, run: RunDocuments): number | null => {
    const roots = rootCount(run);
    return entry && roots > 0 ? entry.total_ms / roots : null;
  };
  return {
    name,
    inBoth: before !== undefined && after !== undefined,
    changes: [
      change('time per request', 'ms', 'lower', perRequest(before, a), perRequest(after, b), t),
      change('p99', 'ms', 'lower', before?.p99_ms, after?.p99_ms, t),
    ],
  };
}

function compareScenario(
  name: string,
  before: ScenarioResult | undefined,
  after: ScenarioResult | undefined,
  t: RunComparison['thresholds'],
): Compared {
  return {
    name,
    inBoth: before !== undefined && after !== undefined,
    changes: [
      change('throughput', 'x realtime', 'higher', before?.throughput_rtf, after?.throughput_rtf, t),
      change('request rate', 'req/s', 'higher', before?.requests_per_s, after?.requests_per_s, t),
      change('p50', 'ms', 'lower', before?.latency_ms.p50, after?.latency_ms.p50, t),
      change('p99', 'ms', 'lower', before?.latency_ms.p99, after?.latency_ms.p99, t),
      change('failed', 'requests', 'fewer', before?.failed, after?.failed, t),
    ],
  };
}

/** Compares run `b` against the baseline `a`. */
export function compareRuns(a: RunDocuments, b: RunDocuments, options: CompareOptions = {}): RunComparison {
  const thresholds = { percent: options.regressionPercent ?? 10, ms: options.regressionMs ?? 1 };
  const stages = stageNames(a, b).map((name) => compareStage(name, a, b, thresholds));
  const scenarioNames = [...new Set([...a.load.scenarios, ...b.load.scenarios].map((s) => s.name))];
  const scenarios = scenarioNames.map((name) =>
    compareScenario(
      name,
      a.load.scenarios.find((s) => s.name === name),
      b.load.scenarios.find((s) => s.name === name),
      thresholds,
    ),
  );
  const regressed = (list: Compared[]): number => list.filter((c) => c.changes.some((x) => x.regression)).length;
  const regressions = { stages: regressed(stages), scenarios: regressed(scenarios) };
  return { stages, scenarios, regressions, thresholds };
}

export interface ComparisonTextOptions {
  /** The two runs' names, baseline first; default `A`, `B`. */
  labels?: [string, string];
  color: boolean;
  /** Terminal columns; long names are shortened to fit. Default 100. */
  width?: number;
}

function pair(c: Change | undefined, format: (v: number) => string): string {
  if (!c) return MISSING;
  const show = (v: number | null): string => (v === null ? MISSING : format(v));
  return `${show(c.before)} → ${show(c.after)}`;
}

function percentCell(c: Change | undefined, color: boolean): string {
  if (!c) return MISSING;
  const text =
    c.percent !== null ? formatPercentChange(c.percent) : c.delta !== null ? formatSigned(c.delta, String) : MISSING;
  return c.regression ? paint(text, 'red', color) : c.improvement ? paint(text, 'green', color) : text;
}

function verdict(compared: Compared, color: boolean): string {
  if (!compared.inBoth) return paint('in one run only', 'dim', color);
  const worse = compared.changes.filter((c) => c.regression).map((c) => c.metric);
  if (worse.length > 0) return paint(`REGRESSION (${worse.join(', ')})`, 'red', color);
  const better = compared.changes.filter((c) => c.improvement).map((c) => c.metric);
  return better.length > 0 ? paint(`better (${better.join(', ')})`, 'green', color) : '';
}

/** `no regressions` or `regressions in 2 stages and 1 scenario`. */
export function regressionSummary(comparison: RunComparison, color: boolean): string {
  const { stages, scenarios } = comparison.regressions;
  if (stages + scenarios === 0) return paint('no regressions', 'green', color);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [stages > 0 ? plural(stages, 'stage') : '', scenarios > 0 ? plural(scenarios, 'scenario') : ''].filter(
    Boolean,
  );
  return paint(`regressions in ${parts.join(' and ')}`, 'red', color);
}

/** The comparison as terminal text: a stage table and a scenario table, regressions marked. */
export function renderComparison(comparison: RunComparison, options: ComparisonTextOptions): string {
  const [a, b] = options.labels ?? ['A', 'B'];
  const { color } = options;
  const nameWidth = Math.max(12, Math.min(40, (options.width ?? 100) - 80));
  const get = (compared: Compared, metric: string): Change | undefined =>
    compared.changes.find((c) => c.metric === metric);
  const t = comparison.thresholds;
  const heading = `${paint(`${a} → ${b}`, 'bold', color)}: ${regressionSummary(comparison, color)}`;
  const rule = `(a time regresses when it grows by more than ${t.percent}% and ${t.ms} ms; a rate when it falls by more than ${t.percent}%; failures when there are more)`;
  const stageRows = comparison.stages.map((s) => [
    truncate(s.name, nameWidth),
    pair(get(s, 'time per request'), msNumber),
    percentCell(get(s, 'time per request'), color),
    pair(get(s, 'p99'), msNumber),
    percentCell(get(s, 'p99'), color),
    verdict(s, color),
  ]);
  const scenarioRows = comparison.scenarios.map((s) => [
    truncate(s.name, nameWidth),
    pair(get(s, 'throughput'), rtfNumber),
    percentCell(get(s, 'throughput'), color),
    pair(get(s, 'p50'), msNumber),
    percentCell(get(s, 'p50'), color),
    pair(get(s, 'p99'), msNumber),
    percentCell(get(s, 'p99'), color),
    pair(get(s, 'failed'), String),
    verdict(s, color),
  ]);
  return [
    heading,
    paint(rule, 'dim', color),
    '',
    table(['stage', 'per request (ms)', 'change', 'p99 (ms)', 'change', ''], stageRows, color, true),
    '',
    table(
      ['scenario', 'throughput (x realtime)', 'change', 'p50 (ms)', 'change', 'p99 (ms)', 'change', 'failed', ''],
      scenarioRows,
      color,
      true,
    ),
  ].join('\n');
}
