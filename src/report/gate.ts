/**
 * The regression gate behind `amanuensis compare A B`: per scenario (throughput, p50, p99), per
 * stage over the whole run (self time per request, p50, p99) and per leaf stage within each
 * scenario, the change from A to B with a 95 % interval and a verdict that knows this machine's
 * noise. The interval adds each run's sampling spread (from its per-request samples, when the
 * files keep them) and the run-to-run drift measured from A/A pairs (gate-noise.ts). The change
 * is judged net of the run's shift, the move of the figure's yardstick (the other scenarios, or
 * the other stages' work), since a slower host moves them all and only a localised change is the
 * figure's own. A regression is a figure whose whole interval lies beyond `maxRegression`, that
 * grew at all, and whose change moves the request visibly. docs/compare.md has the method.
 */
import { mulberry32 } from '../core/random.ts';
import type { LoadResults } from '../loadgen/results.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { leafStages, type Pending, scenarioFigures, scenarioStageFigures, stageFigures } from './gate-figures.ts';
import { DEFAULT_MAX_REGRESSION, DRIFT, type Drift, type GateMetric, type GateScope, Z } from './gate-noise.ts';
import { spanTree } from './tree.ts';

/** One side of a comparison: a run folder has both documents, a single result file one of them. */
export interface GateInput {
  summary?: SpanSummaryDocument;
  load?: LoadResults;
}

/** A figure's verdict; only `regression` fails the gate. */
export type GateVerdict = 'regression' | 'better' | 'within noise' | 'in one run only' | 'not measured';

/** One figure of one scenario or stage, A against B. */
export interface GateFigure {
  scope: GateScope;
  name: string;
  /** Stage figures within one scenario (its server stages); absent for the whole run's. */
  scenario?: string;
  metric: GateMetric;
  unit: 'ms' | 'x realtime';
  before: number | null;
  after: number | null;
  /** after / before - 1; null when either is missing or not positive. */
  change: number | null;
  /** The run's shift: how the figure's yardstick moved (the other scenarios, or the other stages' work). */
  shift?: number;
  /** The change the verdict judges (for stages, relative to the shift), with its 95 % interval;
   *  `sampling` is the part of the log standard error the two runs' own samples explain. */
  judged: { change: number; low: number; high: number; sampling: number } | null;
  /** The smallest change, in the figure's unit, that can be a regression. */
  minDelta: number;
  /** Whether both runs kept per-request samples for this figure; without, the interval assumes the worst calibrated sampling spread. */
  perRequest: boolean;
  verdict: GateVerdict;
}

/** The gate's answer: the verdict and every figure it judged. */
export interface GateResult {
  maxRegression: number;
  /** False when at least one figure is a regression. */
  passed: boolean;
  scenarios: GateFigure[];
  /** Stages over the whole run (the span summary). */
  stages: GateFigure[];
  /** Leaf stages within each scenario (the load results' server stages); empty without a span summary to tell the leaves. */
  scenarioStages: GateFigure[];
  /** What weakened the verdict (older files without per-request samples). */
  notes: string[];
  /** Which noise model the intervals used: `built-in`, or the noise file's path. */
  noise: string;
}

/** How strict the gate is, and how many bootstrap replicates it draws. */
export interface GateOptions {
  /** Fraction; default 0.1. */
  maxRegression?: number;
  /** Bootstrap replicates per figure and run; default 2000. */
  iterations?: number;
  /** A machine's own drift constants (a `--noise` file) instead of the built-in ones, and where they came from. */
  noise?: { drift: Drift; source: string };
}

function judge(p: Pending, maxRegression: number): GateFigure {
  const { figure, change, higherIsBetter, shift, minDelta } = p;
  if (!change) {
    const inOne = (figure.before === null) !== (figure.after === null);
    return { ...figure, minDelta, change: null, judged: null, verdict: inOne ? 'in one run only' : 'not measured' };
  }
  // The run's shift is taken out only when it went the figure's way: nothing is judged worse (or
  // better) than it moved itself because the others moved the other way; the other big stage
  // getting faster must not make this one look slower.
  const judgedLog = Math.sign(shift) === Math.sign(change.log) ? change.log - shift : change.log;
  const low = judgedLog - Z * change.se;
  const high = judgedLog + Z * change.se;
  // "Worse" in the figure's own direction, in log space both ways: a time that grew by more than
  // the threshold, a throughput that fell below 1 / (1 + it).
  const limit = higherIsBetter ? -Math.log1p(maxRegression) : Math.log1p(maxRegression);
  const beyond = (log: number): boolean => (higherIsBetter ? log < limit : log > limit);
  const better = (log: number): boolean => (higherIsBetter ? log > -limit : log < -limit);
  // The judged change in the figure's unit: what B would be had the run not shifted.
  const deltaOk = Math.abs((figure.before ?? 0) * Math.expm1(judgedLog)) >= minDelta;
  // A stage that did not get slower at all is no regression, whatever the rest of the run did (and
  // one that did not get faster no improvement): a fixed-time stage does not stretch with the host.
  const grew = higherIsBetter ? change.log < 0 : change.log > 0;
  const shrank = higherIsBetter ? change.log > 0 : change.log < 0;
  const regression = deltaOk && grew && beyond(higherIsBetter ? high : low);
  const improvement = deltaOk && shrank && better(higherIsBetter ? low : high);
  return {
    ...figure,
    minDelta,
    change: Math.expm1(change.log),
    judged: { change: Math.expm1(judgedLog), low: Math.expm1(low), high: Math.expm1(high), sampling: change.sampling },
    verdict: regression ? 'regression' : improvement ? 'better' : 'within noise',
  };
}

function notesOf(a: GateInput, b: GateInput): string[] {
  const notes: string[] = [];
  if (!a.load || !b.load) notes.push(`scenarios not compared: ${a.load ? 'B' : 'A'} has no load results`);
  if (!a.summary || !b.summary) notes.push(`stages not compared: ${a.summary ? 'B' : 'A'} has no span summary`);
  for (const [label, run] of [
    ['A', a],
    ['B', b],
  ] as const) {
    const missing = (run.load?.scenarios ?? []).filter((s) => !s.latency_sketch || !s.completions).length;
    if (missing > 0)
      notes.push(
        `${label}'s load results keep no per-request samples for ${missing} scenario(s) (written before they existed): their intervals assume the widest sampling spread, a weaker verdict`,
      );
  }
  return notes;
}

/** Judges run `b` against the baseline `a`. Deterministic: the same files give the same verdicts. */
export function gateRuns(a: GateInput, b: GateInput, options: GateOptions = {}): GateResult {
  const maxRegression = options.maxRegression ?? DEFAULT_MAX_REGRESSION;
  const iterations = options.iterations ?? 2000;
  const random = mulberry32(0x2545f491);
  const drift = options.noise?.drift ?? DRIFT;
  const withShift = (p: Pending): GateFigure => ({ ...judge(p, maxRegression), shift: Math.expm1(p.shift) });
  const scenarios = a.load && b.load ? scenarioFigures(a.load, b.load, iterations, random, drift).map(withShift) : [];
  const stages =
    a.summary && b.summary ? stageFigures(a.summary, b.summary, iterations, random, drift).map(withShift) : [];
  const summaries = [a.summary, b.summary].filter((s) => s !== undefined);
  const root = summaries.map((s) => spanTree(s)?.name).find((name) => name !== undefined);
  const scenarioStages =
    a.load && b.load && root
      ? scenarioStageFigures(a.load, b.load, root, leafStages(summaries), drift).map(withShift)
      : [];
  const passed = ![...scenarios, ...stages, ...scenarioStages].some((f) => f.verdict === 'regression');
  const noise = options.noise?.source ?? 'built-in';
  return { maxRegression, passed, scenarios, stages, scenarioStages, notes: notesOf(a, b), noise };
}
