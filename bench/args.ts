/**
 * `npm run bench` options: `--quick` (the short run, under 5 minutes on 2 cores), `--out FILE`
 * (the JSON document), `--help`. Bad usage is a UsageError: one line on stderr, exit code 2.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../src/core/command-errors.ts';

export interface BenchArgs {
  quick: boolean;
  out: string | undefined;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--out FILE]

Measures every performance goal of amanuensis-otel against its anchor, side by side in one run
on this machine, and prints a table (value = median over repeats, spread = min..max).

Options:
  --quick       the short run: fewer repeats, the quick load suite, a time-boxed tracing
                comparison (default: the full run with the standard suite)
  --out FILE    also write the results as JSON to FILE (default: none)
  -h, --help    show this help

Exit code: 0 when every goal holds, 1 when one does not (the table and JSON are still
written), 2 for bad usage.`;

/** Parses `argv` (without node and the script); throws UsageError on anything unknown or malformed. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: { quick?: boolean; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { quick: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs explains itself in a sentence; its error code is not for users.
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  if (values.out !== undefined && (values.out.trim() === '' || values.out.startsWith('-'))) {
    throw new UsageError(`--out needs a file name, got '${values.out}'`);
  }
  return { quick: values.quick ?? false, out: values.out, help: values.help ?? false };
}
