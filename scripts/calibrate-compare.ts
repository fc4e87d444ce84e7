/**
 * `node scripts/calibrate-compare.ts AA_DIR [--ab A_DIR B_DIR]`: checks the regression gate's
 * drift constants (src/report/gate-noise.ts) against run folders made on this machine. The run
 * folders in AA_DIR (one build, `profile --suite quick --out AA_DIR` repeated) pair up in name
 * order, 1-2, 3-4 ..., and each pair is judged in both orders: every comparison must pass. For
 * each family of figures it prints the smallest drift for which no A/A comparison would fail,
 * beside the one in use. With `--ab`, the i-th folder of A_DIR is judged against the i-th of B_DIR
 * (B with a planted delay): every one must fail. With `--write FILE`, it writes the measured drift
 * times MARGIN (never below FLOOR) as a noise file for `amanuensis compare --noise FILE`; a figure
 * no A/A pair measured keeps the built-in value, and the file's notes say which. docs/compare.md
 * has the method and the figures.
 *
 * Exit codes: 0 as expected, 1 an A/A comparison failed or an A/B one passed, 2 bad usage.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type GateFigure, gateRuns } from '../src/report/gate.ts';
import { readGateInput } from '../src/report/gate-input.ts';
import { DEFAULT_MAX_REGRESSION, DRIFT, type Drift, type DriftFamily, Z } from '../src/report/gate-noise.ts';
import { driftFigures, NOISE_SCHEMA_VERSION, type NoiseDocument } from '../src/report/gate-noise-file.ts';
import { describeRegression, regressionsOf } from '../src/report/gate-text.ts';

const USAGE = 'usage: node scripts/calibrate-compare.ts AA_DIR [--ab A_DIR B_DIR] [--write FILE]';

/** Room left for runs the A/A pairs did not see, as the built-in constants were set. */
const MARGIN = 1.25;
/** A family no A/A pair moved still gets this much: a handful of pairs cannot show that it never moves. */
const FLOOR = 0.02;

function runFolders(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => existsSync(join(path, 'load-results.json')) || existsSync(join(path, 'span-summary.json')));
}

/** The DRIFT key a figure's noise comes from. */
function family(f: GateFigure): DriftFamily {
  if (f.scope === 'scenario') return 'scenario';
  const wait = f.name.endsWith('wait');
  if (f.scenario !== undefined) return wait ? 'wait in scenario' : 'stage in scenario';
  return wait ? 'wait' : 'stage';
}

/** The smallest drift for which this figure would not be a regression (0 when none would make it one). */
function driftNeeded(f: GateFigure): number {
  if (!f.judged || f.change === null) return 0;
  const worse = f.metric === 'throughput' ? -Math.log1p(f.change) : Math.log1p(f.change);
  const judged = f.metric === 'throughput' ? -Math.log1p(f.judged.change) : Math.log1p(f.judged.change);
  const big = Math.abs((f.before ?? 0) * f.judged.change) >= f.minDelta;
  if (worse <= 0 || !big) return 0;
  const excess = (judged - Math.log1p(DEFAULT_MAX_REGRESSION)) / Z;
  return excess > 0 ? Math.sqrt(Math.max(0, excess * excess - f.judged.sampling ** 2)) : 0;
}

async function judge(a: string, b: string): Promise<ReturnType<typeof gateRuns>> {
  return gateRuns(await readGateInput(a), await readGateInput(b));
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { ab: { type: 'string', multiple: true }, write: { type: 'string' } },
});
const abDirs = [...(values.ab ?? []), ...positionals.slice(1)];
if (positionals.length < 1 || (values.ab !== undefined && abDirs.length !== 2)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
let unexpected = 0;
/** Per family and figure: the drift its worst A/A comparison needed. */
const needed = new Map<string, { fam: DriftFamily; metric: GateFigure['metric']; value: number }>();
const aa = runFolders(positionals[0]!);
const pairs: Array<[string, string]> = [];
for (let i = 0; i + 1 < aa.length; i += 2) {
  pairs.push([aa[i]!, aa[i + 1]!]);
  for (const [a, b] of [
    [aa[i]!, aa[i + 1]!],
    [aa[i + 1]!, aa[i]!],
  ] as const) {
    const result = await judge(a, b);
    if (!result.passed) unexpected++;
    const names = regressionsOf(result).map(describeRegression);
    process.stdout.write(`A/A ${a} → ${b}: ${result.passed ? 'pass' : `FAIL (${names.join('; ')})`}\n`);
    for (const f of [...result.scenarios, ...result.stages, ...result.scenarioStages]) {
      const key = `${family(f)} ${f.metric}`;
      const value = Math.max(needed.get(key)?.value ?? 0, driftNeeded(f));
      needed.set(key, { fam: family(f), metric: f.metric, value });
    }
  }
}
process.stdout.write('\nfamily, figure: drift needed for no A/A failure / drift in use\n');
for (const [key, { fam, metric, value }] of [...needed].sort(([x], [y]) => x.localeCompare(y)))
  process.stdout.write(`  ${key}: ${value.toFixed(2)} / ${DRIFT[fam][metric] ?? 0}\n`);
if (values.write !== undefined) {
  const drift: Partial<Record<DriftFamily, Partial<Record<GateFigure['metric'], number>>>> = {};
  const unmeasured: string[] = [];
  for (const [fam, metrics] of driftFigures()) {
    drift[fam] = {};
    for (const metric of metrics) {
      const measured = needed.get(`${fam} ${metric}`);
      if (!measured) unmeasured.push(`${fam} ${metric}`);
      const value = measured ? Math.max(FLOOR, measured.value * MARGIN) : (DRIFT[fam][metric] ?? 0);
      drift[fam][metric] = Number(value.toFixed(3));
    }
  }
  const document: NoiseDocument = {
    schema_version: NOISE_SCHEMA_VERSION,
    machine: hostname(),
    notes: [
      `the drift each family needed for no A/A failure, x${MARGIN}, never below ${FLOOR}`,
      ...(unmeasured.length > 0 ? [`not measured, the built-in value kept: ${unmeasured.join(', ')}`] : []),
    ],
    margin: MARGIN,
    pairs,
    drift: drift as Drift,
  };
  writeFileSync(values.write, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`\nwrote ${values.write}: use it with amanuensis compare --noise ${values.write} A B\n`);
}
if (abDirs.length === 2) {
  const [as, bs] = [runFolders(abDirs[0]!), runFolders(abDirs[1]!)];
  process.stdout.write('\n');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const result = await judge(as[i]!, bs[i]!);
    if (result.passed) unexpected++;
    const names = regressionsOf(result).map(describeRegression);
    process.stdout.write(
      `A/B ${as[i]} → ${bs[i]}: ${result.passed ? 'pass (missed)' : `FAIL (${names.join('; ')})`}\n`,
    );
  }
}
process.exitCode = unexpected === 0 ? 0 : 1;
