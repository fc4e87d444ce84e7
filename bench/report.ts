/**
 * Benchmark rows and what is made of them: each row is one measured quantity with its repeats,
 * its goal (or none: recorded only) and the anchor it is measured against; the JSON document and
 * the terminal table are two views of the same evaluated rows.
 */
import { type MachineInfo, machineLine } from './machine.ts';
import { type Summary, summarize } from './stats.ts';

export interface Goal {
  op: '<=' | '>=';
  target: number;
}

/** A measured row before evaluation. `samples` are its repeats; the value is their median. */
export interface Row {
  /** The JSON key, e.g. `span_processor.overhead_ratio`. */
  key: string;
  unit: string;
  goal: Goal | null;
  /** What the value is measured against, and how. */
  anchor: string;
  samples: number[];
  details?: Record<string, unknown>;
}

export interface RowResult extends Summary {
  value: number;
  unit: string;
  /** e.g. `<= 0.05`; null for rows kept for the record. */
  goal: string | null;
  /** Null for rows without a goal. */
  pass: boolean | null;
  anchor: string;
  samples: number[];
  details: Record<string, unknown>;
}

export const BENCH_SCHEMA_VERSION = 1;

export interface BenchDocument {
  schema_version: number;
  mode: 'quick' | 'full';
  started_at: string;
  finished_at: string;
  elapsed_s: number;
  machine: MachineInfo;
  /** True when every row with a goal meets it and no measurement failed. */
  all_goals_met: boolean;
  results: Record<string, RowResult>;
  /** Measurements that could not run, with the reason (their rows are missing). */
  errors: string[];
  /** What the reader must know to trust the numbers (e.g. which suite ran). */
  notes: string[];
}

export function meetsGoal(value: number, goal: Goal): boolean {
  return goal.op === '<=' ? value <= goal.target : value >= goal.target;
}

export function goalText(goal: Goal): string {
  return `${goal.op} ${goal.target}`;
}

/** The row's median and spread, and whether the median meets the goal. */
export function evaluate(row: Row): RowResult {
  const summary = summarize(row.samples);
  return {
    value: summary.median,
    ...summary,
    unit: row.unit,
    goal: row.goal ? goalText(row.goal) : null,
    pass: row.goal ? meetsGoal(summary.median, row.goal) : null,
    anchor: row.anchor,
    samples: row.samples,
    details: row.details ?? {},
  };
}

export interface DocumentInput {
  mode: 'quick' | 'full';
  startedAt: Date;
  finishedAt: Date;
  machine: MachineInfo;
  rows: Row[];
  notes: string[];
  errors: string[];
}

export function benchDocument(input: DocumentInput): BenchDocument {
  const results: Record<string, RowResult> = {};
  for (const row of input.rows) {
    if (row.key in results) throw new Error(`two rows named ${row.key}`);
    results[row.key] = evaluate(row);
  }
  return {
    schema_version: BENCH_SCHEMA_VERSION,
    mode: input.mode,
    started_at: input.startedAt.toISOString(),
    finished_at: input.finishedAt.toISOString(),
    elapsed_s: Number(((input.finishedAt.getTime() - input.startedAt.getTime()) / 1000).toFixed(1)),
    machine: input.machine,
    all_goals_met: input.errors.length === 0 && Object.values(results).every((r) => r.pass !== false),
    results,
    errors: input.errors,
    notes: input.notes,
  };
}

/** Four significant digits; integers as they are; very large or small numbers in exponent form. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e7 || Math.abs(value) < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

function spreadText(result: RowResult): string {
  if (result.repeats === 1) return '-';
  const percent = Number.isFinite(result.relativeSpread) ? ` (${(result.relativeSpread * 100).toFixed(1)}%)` : '';
  return `${formatNumber(result.min)}..${formatNumber(result.max)}${percent}`;
}

/** The terminal table: a header naming the machine, then one line per row. */
export function renderTable(doc: BenchDocument): string {
  const header = ['row', 'value', 'goal', 'result', 'spread min..max', 'n', 'anchor'];
  const lines = Object.entries(doc.results).map(([key, r]) => [
    key,
    `${formatNumber(r.value)}${r.unit === 'ratio' ? '' : ` ${r.unit}`}`,
    r.goal ?? '-',
    r.pass === null ? 'record' : r.pass ? 'pass' : 'FAIL',
    spreadText(r),
    String(r.repeats),
    r.anchor,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const failed = Object.values(doc.results).filter((r) => r.pass === false).length;
  return [
    `amanuensis-otel benchmarks (${doc.mode}, ${doc.elapsed_s} s): ${machineLine(doc.machine)}`,
    format(header),
    format(widths.map((w) => '-'.repeat(w))),
    ...lines.map(format),
    ...doc.notes.map((note) => `note: ${note}`),
    ...doc.errors.map((error) => `error: ${error}`),
    doc.all_goals_met ? 'every goal holds' : `${failed} goal(s) not met, ${doc.errors.length} measurement(s) failed`,
    '',
  ].join('\n');
}
