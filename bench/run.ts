/**
 * `npm run bench [-- --quick] [-- --out FILE]`: every performance goal (docs/benchmarks.md) measured against
 * its anchor, side by side in one run on this machine. Parse -> run every step -> print the table
 * (stdout; progress goes to stderr) -> write the JSON. Exit 0 when every goal holds, 1 when one
 * does not or a measurement failed, 2 for bad usage.
 */
import { access, constants, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../src/core/command-errors.ts';
import { parseBenchArgs, USAGE } from './args.ts';
import { machineInfo } from './machine.ts';
import { type BenchPlan, benchPlan } from './plan.ts';
import { type BenchDocument, benchDocument, type Row, renderTable } from './report.ts';
import { STEPS, type Step } from './steps.ts';

/** Runs `steps` in order; a step that throws is reported in `errors` and the run goes on. */
export async function runSteps(
  plan: BenchPlan,
  steps: readonly Step[],
  log: (line: string) => void,
): Promise<{ rows: Row[]; errors: string[] }> {
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const rows: Row[] = [];
  const errors: string[] = [];
  for (const step of steps) {
    log(`[${elapsedS().toFixed(0)} s] ${step.name}...`);
    try {
      rows.push(
        ...(await step.run({
          plan,
          log: (line) => log(`[${elapsedS().toFixed(0)} s]   ${line}`),
          remainingS: () => plan.budgetS - elapsedS(),
        })),
      );
    } catch (error) {
      errors.push(`${step.name}: ${(error as Error).message}`);
      log(`[${elapsedS().toFixed(0)} s] ${step.name} failed: ${(error as Error).message}`);
    }
  }
  return { rows, errors };
}

function notes(plan: BenchPlan): string[] {
  return [
    `value = median over n repeats; spread = min..max (and its width as % of the median)`,
    plan.mode === 'quick'
      ? `quick run: the suite rows are the quick suite (not the standard one); fewer repeats; tracing rounds fit into a ${plan.budgetS} s budget`
      : `full run: the standard suite; tracing rounds fit into a ${plan.budgetS} s budget`,
  ];
}

/** The whole benchmark run; resolves with the document. */
export async function runBench(
  plan: BenchPlan,
  log: (line: string) => void,
  steps: readonly Step[] = STEPS,
): Promise<BenchDocument> {
  const machine = machineInfo();
  const startedAt = new Date();
  const { rows, errors } = await runSteps(plan, steps, log);
  return benchDocument({
    mode: plan.mode,
    startedAt,
    finishedAt: new Date(),
    machine,
    rows,
    notes: notes(plan),
    errors,
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.out) {
    // Fail now, not after minutes of measuring.
    await access(dirname(resolve(args.out)), constants.W_OK).catch(() => {
      throw new UsageError(`--out ${args.out}: its directory does not exist or is not writable`);
    });
  }
  const doc = await runBench(benchPlan(args.quick), (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(renderTable(doc));
  if (args.out) {
    await writeFile(args.out, `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(`wrote ${args.out}\n`);
  }
  return doc.all_goals_met ? 0 : 1;
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
