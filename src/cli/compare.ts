/**
 * `amanuensis compare A B`: the regression gate over two run folders or result files. Options
 * are parsed here; reading, judging and printing are compare-run.ts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';

/** `compare`'s parsed options (`profile --compare` passes the defaults). */
export interface CompareOptions {
  /** A fraction, from `--max-regression 10%`. */
  maxRegression: number;
  json: boolean;
  /** A noise file (scripts/calibrate-compare.ts --write) to use instead of the built-in drift constants. */
  noise?: string;
}

/** commander argument parser for `10%` or `10` (percent), above 0. */
export function percentArgument(value: string): number {
  const text = value.trim().replace(/%$/, '');
  const n = text === '' ? NaN : Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a percentage above 0, e.g. 10%');
  return n / 100;
}

/** The `compare` command. */
export function compareCommand(): Command {
  return new Command('compare')
    .description(
      "compare run B against the baseline A, per scenario and per stage, with intervals that know this machine's noise; exit 1 when a regression beyond --max-regression is significant",
    )
    .argument('<a>', 'the baseline: a run folder, or a load-results.json or span-summary.json')
    .argument('<b>', 'the run to judge: the same kind as A')
    .addOption(
      new Option(
        '--max-regression <percent>',
        'the largest regression tolerated: a time that grows by more, or a throughput that falls below 1 / (1 + it)',
      )
        .default(0.1, '10%')
        .argParser(percentArgument),
    )
    .addOption(
      new Option(
        '--noise <file>',
        "this machine's drift constants, measured from A/A runs by scripts/calibrate-compare.ts --write (default: the built-in ones)",
      ),
    )
    .addOption(new Option('--json', 'print the verdict and every figure as JSON').default(false))
    .action(async (a: string, b: string, options: CompareOptions) => {
      const { runCompare } = await import('./compare-run.ts');
      process.exitCode = await runCompare(a, b, options);
    });
}
