/**
 * `amanuensis profile` (what `npm start` runs): options and validation. Running lives in
 * profile-run.ts, `--compare` in profile-compare.ts.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../core/command-errors.ts';
import { SUITES, type SuiteName } from '../loadgen/suites.ts';
import { DEFAULT_JAEGER_URL } from '../report/input.ts';
import { oneOf } from './arg-parsers.ts';
import { addServiceOptions, type ListenOptionKeys, type ServeOptions } from './serve.ts';

export interface ProfileOptions extends Omit<ServeOptions, ListenOptionKeys> {
  out: string;
  suite: SuiteName;
  /** Also run the suite with the other offload mode and compare the two. */
  compareOffload: boolean;
  jaegerUrl: string;
  compare: string[] | undefined;
}

/** The `profile` command. */
export function profileCommand(): Command {
  const command = new Command('profile')
    .description(
      'start the service, run a load suite against it, and write span-summary.json, load-results.json and report.html',
    )
    .addOption(new Option('--out <dir>', 'folder for results/<timestamp>/').default('results'))
    .addOption(new Option('--suite <suite>', 'load suite').default('standard').argParser(oneOf(SUITES)))
    .addOption(
      new Option(
        '--compare-offload',
        'run the suite with both offload modes (fused and matmul) and compare them',
      ).default(false),
    )
    .addOption(new Option('--jaeger-url <url>', 'Jaeger UI base for trace links').default(DEFAULT_JAEGER_URL))
    .addOption(new Option('--compare <dirs...>', 'compare two earlier run folders A B instead of running'));
  addServiceOptions(command);
  return command.action(async (options: ProfileOptions) => {
    if (options.compare) {
      if (options.compare.length !== 2) throw new UsageError('--compare takes exactly two run folders: A B');
      const { runCompare } = await import('./profile-compare.ts');
      await runCompare(options.compare[0]!, options.compare[1]!);
      return;
    }
    const { runProfile } = await import('./profile-run.ts');
    process.exitCode = await runProfile(options);
  });
}
