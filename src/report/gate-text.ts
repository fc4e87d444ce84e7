/**
 * The gate's verdict for people (an aligned terminal text that names every regression first) and
 * for machines (`--json`: every figure with its interval, the same verdicts).
 */
import { formatPercentChange, MISSING, msNumber, rtfNumber } from './format.ts';
import type { GateFigure, GateResult } from './gate.ts';
import { paint, table, truncate } from './text.ts';

function percent(fraction: number | null | undefined): string {
  return typeof fraction === 'number' && Number.isFinite(fraction) ? formatPercentChange(fraction * 100) : MISSING;
}

function value(figure: GateFigure, v: number | null): string {
  if (v === null) return MISSING;
  return figure.unit === 'ms' ? `${msNumber(v)} ms` : `${rtfNumber(v)}x`;
}

/** `stage decoder.token_generation self time +112.0% (vs the run +115.0%, 95% interval +60.0%..+190.0%)`. */
export function describeRegression(figure: GateFigure): string {
  const j = figure.judged;
  const interval = j ? `95% interval ${percent(j.low)}..${percent(j.high)}` : '';
  const judged = figure.shift !== undefined && j ? `vs the run ${percent(j.change)}, ` : '';
  const where = figure.scenario !== undefined ? ` in ${figure.scenario}` : '';
  const what = figure.scenario !== undefined ? 'time per request' : figure.metric;
  return `${figure.scope} ${figure.name}${where} ${what} ${percent(figure.change)} (${judged}${interval})`;
}

/** Every regression, worst judged change first. */
export function regressionsOf(result: GateResult): GateFigure[] {
  const worse = (f: GateFigure): number => {
    const change = f.judged?.change ?? 0;
    return f.metric === 'throughput' ? -change : change;
  };
  return [...result.scenarios, ...result.stages, ...result.scenarioStages]
    .filter((f) => f.verdict === 'regression')
    .sort((x, y) => worse(y) - worse(x));
}

function verdictCell(figure: GateFigure, color: boolean): string {
  if (figure.verdict === 'regression') return paint('REGRESSION', 'red', color);
  if (figure.verdict === 'better') return paint('better', 'green', color);
  if (figure.verdict === 'within noise') return figure.perRequest ? 'within noise' : 'within noise (no samples)';
  return paint(figure.verdict, 'dim', color);
}

function intervalCell(figure: GateFigure): string {
  const j = figure.judged;
  return j ? `${percent(j.low)}..${percent(j.high)}` : MISSING;
}

function rows(figures: GateFigure[], nameWidth: number, color: boolean): string[][] {
  return figures.map((f) => [
    truncate(f.name, nameWidth),
    f.metric,
    value(f, f.before),
    value(f, f.after),
    percent(f.change),
    f.shift !== undefined ? percent(f.judged?.change) : '',
    intervalCell(f),
    verdictCell(f, color),
  ]);
}

/** How `renderGate` prints: the two sides' names, colour, the terminal's width. */
export interface GateTextOptions {
  labels: [string, string];
  color: boolean;
  /** Terminal columns; long names are shortened to fit. Default 100. */
  width?: number;
}

/** The verdict line, the method in one line, then a scenario table and a stage table. */
export function renderGate(result: GateResult, options: GateTextOptions): string {
  const { color } = options;
  const [a, b] = options.labels;
  const nameWidth = Math.max(24, Math.min(40, (options.width ?? 100) - 70));
  const max = `${(result.maxRegression * 100).toFixed(0)}%`;
  const regressions = regressionsOf(result);
  const heading = result.passed
    ? paint(`pass: no significant regression beyond ${max}`, 'green', color)
    : paint(`FAIL: ${regressions.length} significant regression(s) beyond ${max}`, 'red', color);
  const method = `(95% intervals: each run's own per-request spread plus this machine's run-to-run drift, measured from A/A pairs (noise model: ${result.noise}); "vs run" is the change net of how the other scenarios or stages moved, which the verdict judges: docs/compare.md)`;
  const parts = [`${paint(`${a} → ${b}`, 'bold', color)}: ${heading}`, paint(method, 'dim', color)];
  for (const note of result.notes) parts.push(paint(`note: ${note}`, 'yellow', color));
  for (const f of regressions) parts.push(paint(`  regression: ${describeRegression(f)}`, 'red', color));
  if (result.scenarios.length > 0) {
    parts.push(
      '',
      table(
        ['scenario', 'figure', 'A', 'B', 'change', 'vs run', '95% interval', 'verdict'],
        rows(result.scenarios, nameWidth, color),
        color,
        true,
      ),
    );
  }
  if (result.stages.length > 0) {
    parts.push(
      '',
      table(
        ['stage', 'figure', 'A', 'B', 'change', 'vs run', '95% interval', 'verdict'],
        rows(result.stages, nameWidth, color),
        color,
        true,
      ),
    );
  }
  if (result.scenarioStages.length > 0) parts.push('', scenarioStageTable(result.scenarioStages, nameWidth, color));
  return `${parts.join('\n')}\n`;
}

/** Leaf stages by scenario: each cell the change against the scenario's shift, regressions marked. */
function scenarioStageTable(figures: GateFigure[], nameWidth: number, color: boolean): string {
  const scenarios = [...new Set(figures.map((f) => f.scenario ?? ''))];
  const names = [...new Set(figures.map((f) => f.name))];
  const cell = (f: GateFigure | undefined): string => {
    if (!f?.judged) return MISSING;
    const text = percent(f.judged.change);
    if (f.verdict === 'regression') return paint(`${text} REGRESSION`, 'red', color);
    return f.verdict === 'better' ? paint(`${text} better`, 'green', color) : text;
  };
  const rows = names.map((name) => [
    truncate(name, nameWidth),
    ...scenarios.map((s) => cell(figures.find((f) => f.name === name && f.scenario === s))),
  ]);
  return [
    "time per request of the leaf stages within each scenario, against the scenario's shift:",
    table(['stage', ...scenarios], rows, color),
  ].join('\n');
}

/** The `--json` document: the verdict, each regression in one line, every figure. */
export function gateJson(result: GateResult, labels: [string, string]): object {
  const figure = (f: GateFigure): object => ({
    scope: f.scope,
    name: f.name,
    ...(f.scenario !== undefined ? { scenario: f.scenario } : {}),
    metric: f.metric,
    unit: f.unit,
    a: f.before,
    b: f.after,
    change: f.change,
    ...(f.shift !== undefined ? { run_shift: f.shift } : {}),
    judged_change: f.judged?.change ?? null,
    min_delta: f.minDelta,
    interval: f.judged ? [f.judged.low, f.judged.high] : null,
    per_request_samples: f.perRequest,
    verdict: f.verdict,
  });
  return {
    a: labels[0],
    b: labels[1],
    max_regression: result.maxRegression,
    noise: result.noise,
    passed: result.passed,
    regressions: regressionsOf(result).map(describeRegression),
    notes: result.notes,
    scenarios: result.scenarios.map(figure),
    stages: result.stages.map(figure),
    scenario_stages: result.scenarioStages.map(figure),
  };
}
