/**
 * The span summary file of a long-running command (`serve`, `collect`): its two options, the path
 * checked before anything starts (a bad path is bad usage, not a crash at the first write), the
 * periodic writer, and the final write at shutdown.
 */
import { type Command, Option } from 'commander';
import { type SummaryWriter, startSummaryWriter } from '../rollup/writer.ts';
import { boundedShutdown } from '../telemetry/shutdown.ts';
import { nonNegativeNumber } from './arg-parsers.ts';
import { checkOutputFile } from './output-path.ts';

/** Adds `--summary-out <file>` and `--summary-interval <seconds>` (default 10). */
export function addSummaryFileOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--summary-out <file>',
        'write the span summary JSON here, periodically and at shutdown (an existing folder reached without symbolic links; no ..)',
      ),
    )
    .addOption(
      new Option('--summary-interval <seconds>', 'seconds between summary writes (0: only at shutdown)')
        .default(10)
        .argParser(nonNegativeNumber),
    );
}

/** `--summary-out` checked as every output file is; undefined when it was not given. */
export async function summaryFilePath(summaryOut: string | undefined): Promise<string | undefined> {
  return summaryOut === undefined ? undefined : checkOutputFile(summaryOut, '--summary-out');
}

/** Writes `summary()` to `path` every `intervalS` seconds (0: only at close); nothing without a path. */
export function startSummaryFile(
  path: string | undefined,
  summary: () => unknown,
  intervalS: number,
): SummaryWriter | undefined {
  return path ? startSummaryWriter({ path, summary, intervalMs: intervalS * 1000 }) : undefined;
}

/** Writes the final summary within `millis`; a failed write is one line on stderr, not a failed shutdown. */
export async function closeSummaryFile(writer: SummaryWriter | undefined, millis: number): Promise<void> {
  if (!writer) return;
  await boundedShutdown(
    () => writer.close().catch((error: Error) => process.stderr.write(`span summary: ${error.message}\n`)),
    millis,
  );
}
