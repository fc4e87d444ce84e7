/**
 * The figures the gate judges, measured on both runs: per scenario (throughput, p50, p99 of the
 * load results), per stage over the whole run (self time per request, p50, p99 of the span
 * summary), and per stage within each scenario (time per request of the leaf stages, from the
 * scenario's server stages). Each comes with its sampling spread, its calibrated drift and the
 * run's shift that the verdict takes out.
 */

import type { Random } from '../core/random.ts';
import { isCompletionSeries } from '../loadgen/completion-series.ts';
import type { LoadResults, ScenarioResult } from '../loadgen/results.ts';
import type { SpanEntry, SpanSummaryDocument } from '../rollup/document.ts';
import { LogHistogram, type SketchState } from '../rollup/sketch.ts';
import { isWait } from './colors.ts';
import type { GateFigure } from './gate.ts';
import { DRIFT, type Drift, type GateMetric, MIN_DELTA_MS, MIN_REQUEST_SHARE } from './gate-noise.ts';
import { bootstrapQuantile, logSpread, throughputSpread } from './gate-resample.ts';
import { runShift, stageMoves } from './gate-shift.ts';
import { nameHierarchy, spanTree } from './tree.ts';

interface Measured {
  value: number | null;
  /** Sampling standard deviation of log(value); null when the run kept no per-request samples. */
  spread: number | null;
}

const QUANTILE: Record<'p50' | 'p99', number> = { p50: 0.5, p99: 0.99 };

function positive(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/** Whether a file's sketch state can be read back (a hand-edited or truncated one cannot). */
function validSketch(state: SketchState | undefined): state is SketchState {
  if (state === undefined) return false;
  try {
    LogHistogram.fromJSON(state);
    return true;
  } catch {
    return false;
  }
}

function scenarioMeasure(s: ScenarioResult, metric: GateMetric, iterations: number, random: Random): Measured {
  if (metric === 'throughput') {
    const spread = isCompletionSeries(s.completions) ? throughputSpread(s.completions) : null;
    return { value: positive(s.throughput_rtf), spread: Number.isNaN(spread) ? null : spread };
  }
  const q = metric === 'p50' ? 'p50' : 'p99';
  const spread = validSketch(s.latency_sketch)
    ? logSpread(bootstrapQuantile(s.latency_sketch, QUANTILE[q], iterations, random))
    : null;
  return { value: positive(s.latency_ms[q]), spread: Number.isNaN(spread) ? null : spread };
}

function stageMeasure(
  entry: SpanEntry,
  roots: number,
  metric: GateMetric,
  iterations: number,
  random: Random,
): Measured {
  if (metric === 'self time') {
    // The whole run's mean per request: its sampling noise is part of what the A/A pairs measured
    // (at the quick suite's size, the smallest), so the calibrated drift already holds it.
    return { value: roots > 0 ? positive(entry.self_total_ms / roots) : null, spread: 0 };
  }
  const q = metric === 'p50' ? 'p50' : 'p99';
  const spread = validSketch(entry.sketch)
    ? logSpread(bootstrapQuantile(entry.sketch, QUANTILE[q], iterations, random))
    : null;
  return { value: positive(entry[`${q}_ms`]), spread: spread === null || Number.isNaN(spread) ? null : spread };
}

/** The log-change and its standard error; undefined when a value is missing. */
function logChange(
  a: Measured,
  b: Measured,
  drift: number,
): { log: number; se: number; sampling: number; perRequest: boolean } | undefined {
  if (a.value === null || b.value === null) return undefined;
  const perRequest = a.spread !== null && b.spread !== null;
  // Without samples the sampling spread is unknown: assume it as large as the drift, on each side.
  const sa = a.spread ?? drift;
  const sb = b.spread ?? drift;
  const sampling = Math.sqrt(sa * sa + sb * sb);
  return { log: Math.log(b.value / a.value), se: Math.sqrt(sampling * sampling + drift * drift), sampling, perRequest };
}

/** A figure measured on both runs, waiting for its verdict. */
export interface Pending {
  figure: Omit<GateFigure, 'judged' | 'verdict' | 'change' | 'minDelta'>;
  change: ReturnType<typeof logChange>;
  higherIsBetter: boolean;
  /** The log-shift of the run the verdict takes out: how the figure's yardstick moved. */
  shift: number;
  /** The smallest judged change in the figure's unit that can count (ms: MIN_DELTA_MS, or a share of the request). */
  minDelta: number;
}

const SCENARIO_METRICS: GateMetric[] = ['throughput', 'p50', 'p99'];
const STAGE_METRICS: GateMetric[] = ['self time', 'p50', 'p99'];

/** Throughput, p50 and p99 of every scenario of either run. */
export function scenarioFigures(
  a: LoadResults,
  b: LoadResults,
  iterations: number,
  random: Random,
  drift: Drift = DRIFT,
): Pending[] {
  const names = [...new Set([...a.scenarios, ...b.scenarios].map((s) => s.name))];
  const pending = names.flatMap((name) => {
    const sa = a.scenarios.find((s) => s.name === name);
    const sb = b.scenarios.find((s) => s.name === name);
    return SCENARIO_METRICS.map((metric) => {
      const ma = sa ? scenarioMeasure(sa, metric, iterations, random) : { value: null, spread: null };
      const mb = sb ? scenarioMeasure(sb, metric, iterations, random) : { value: null, spread: null };
      return {
        figure: {
          scope: 'scenario' as const,
          name,
          metric,
          unit: metric === 'throughput' ? ('x realtime' as const) : ('ms' as const),
          before: ma.value,
          after: mb.value,
          perRequest: ma.spread !== null && mb.spread !== null,
        },
        change: logChange(ma, mb, drift.scenario[metric] ?? 0),
        higherIsBetter: metric === 'throughput',
        shift: 0,
        minDelta: metric === 'throughput' ? 0 : MIN_DELTA_MS,
      };
    });
  });
  // A scenario's yardstick is how the other scenarios moved in the same figure: a slower host moves them all.
  return pending.map((p) => {
    const moves = pending
      .filter((q) => q.figure.metric === p.figure.metric && q.change)
      .map((q) => ({ name: q.figure.name, log: q.change!.log, weight: 1 }));
    return { ...p, shift: runShift(moves, p.figure.name) };
  });
}

/** Self time per request, p50 and p99 of every span name of either run's summary. */
export function stageFigures(
  a: SpanSummaryDocument,
  b: SpanSummaryDocument,
  iterations: number,
  random: Random,
  drift: Drift = DRIFT,
): Pending[] {
  const rootA = spanTree(a)?.entry;
  const rootB = spanTree(b)?.entry;
  const [ra, rb] = [rootA?.count ?? 0, rootB?.count ?? 0];
  // A stage's change must move the request by a visible share: the request's own figure, averaged over A and B.
  const request = (field: 'mean_ms' | 'p50_ms' | 'p99_ms'): number =>
    ((rootA?.[field] ?? 0) + (rootB?.[field] ?? 0)) / 2;
  const minDelta: Record<GateMetric, number> = {
    'self time': Math.max(MIN_DELTA_MS, MIN_REQUEST_SHARE * request('mean_ms')),
    p50: Math.max(MIN_DELTA_MS, MIN_REQUEST_SHARE * request('p50_ms')),
    p99: Math.max(MIN_DELTA_MS, MIN_REQUEST_SHARE * request('p99_ms')),
    throughput: 0,
  };
  const perRequest = (doc: SpanSummaryDocument, roots: number): Map<string, number> =>
    new Map(roots > 0 ? doc.spans.map((e) => [e.name, e.self_total_ms / roots]) : []);
  const moves = stageMoves(perRequest(a, ra), perRequest(b, rb));
  const names = [...new Set([...a.spans, ...b.spans].map((s) => s.name))];
  return names.flatMap((name) => {
    const ea = a.spans.find((s) => s.name === name && s.count > 0);
    const eb = b.spans.find((s) => s.name === name && s.count > 0);
    const shift = runShift(moves, name);
    return STAGE_METRICS.map((metric) => {
      const ma = ea ? stageMeasure(ea, ra, metric, iterations, random) : { value: null, spread: null };
      const mb = eb ? stageMeasure(eb, rb, metric, iterations, random) : { value: null, spread: null };
      return {
        figure: {
          scope: 'stage' as const,
          name,
          metric,
          unit: 'ms' as const,
          before: ma.value,
          after: mb.value,
          perRequest: ma.spread !== null && mb.spread !== null,
        },
        change: logChange(ma, mb, drift[isWait(name) ? 'wait' : 'stage'][metric] ?? 0),
        higherIsBetter: false,
        shift,
        minDelta: minDelta[metric],
      };
    });
  });
}

/** Span names with no child in either summary: their time is all their own, so a scenario's
 *  server stages (durations) give their self time. */
export function leafStages(summaries: readonly SpanSummaryDocument[]): Set<string> {
  const leaves = new Set<string>();
  const parents = new Set<string>();
  for (const summary of summaries) {
    const tree = spanTree(summary);
    if (!tree) continue;
    const { names, children } = nameHierarchy(tree);
    for (const name of names) {
      if ((children.get(name)?.size ?? 0) > 0) parents.add(name);
      else leaves.add(name);
    }
  }
  for (const name of parents) leaves.delete(name);
  return leaves;
}

/** Per request of one scenario: each leaf stage's time, and the request's own (the root's). */
function scenarioStageTimes(
  s: ScenarioResult,
  root: string,
  leaves: ReadonlySet<string>,
): Map<string, number> | undefined {
  const stages = s.server_stages?.stages;
  const roots = stages?.find((x) => x.name === root)?.count ?? 0;
  if (!stages || roots === 0) return undefined;
  return new Map(stages.filter((x) => leaves.has(x.name) || x.name === root).map((x) => [x.name, x.total_ms / roots]));
}

/**
 * Time per request of every leaf stage within every scenario both runs have, from the scenarios'
 * server stages: a stage that regressed shows most where little else runs (a delay in the decoder
 * dominates a silent clip). Judged against the scenario's own shift of the other leaf stages.
 */
export function scenarioStageFigures(
  a: LoadResults,
  b: LoadResults,
  root: string,
  leaves: ReadonlySet<string>,
  drift: Drift = DRIFT,
): Pending[] {
  return a.scenarios.flatMap((sa) => {
    const sb = b.scenarios.find((s) => s.name === sa.name);
    const ta = scenarioStageTimes(sa, root, leaves);
    const tb = sb ? scenarioStageTimes(sb, root, leaves) : undefined;
    if (!ta || !tb) return [];
    const minDelta = Math.max(MIN_DELTA_MS, (MIN_REQUEST_SHARE * ((ta.get(root) ?? 0) + (tb.get(root) ?? 0))) / 2);
    ta.delete(root);
    tb.delete(root);
    const moves = stageMoves(ta, tb);
    const names = [...new Set([...ta.keys(), ...tb.keys()])];
    return names.map((name) => {
      const ma: Measured = { value: positive(ta.get(name)), spread: 0 };
      const mb: Measured = { value: positive(tb.get(name)), spread: 0 };
      return {
        figure: {
          scope: 'stage' as const,
          name,
          scenario: sa.name,
          metric: 'self time' as const,
          unit: 'ms' as const,
          before: ta.get(name) ?? null,
          after: tb.get(name) ?? null,
          perRequest: true,
        },
        change: logChange(ma, mb, drift[isWait(name) ? 'wait in scenario' : 'stage in scenario']['self time'] ?? 0),
        higherIsBetter: false,
        shift: runShift(moves, name),
        minDelta,
      };
    });
  });
}
