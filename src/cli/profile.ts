/**
 * `amanuensis profile` (what `npm start` runs): options and validation. Running lives in
 * profile-run.ts (our own service) and profile-target.ts (`--target`, an external server);
 * `--compare A B` is an alias of `amanuensis compare A B` (compare-run.ts).
 */
import { Command, Option } from 'commander';
import { UsageError } from '../core/command-errors.ts';
import { DEFAULT_PATH } from '../loadgen/option-values.ts';
import { DEFAULT_MODEL, RESPONSE_FORMATS } from '../loadgen/options.ts';
import { SUITES, type SuiteName } from '../loadgen/suites.ts';
import { DEFAULT_MAX_REGRESSION } from '../report/gate-noise.ts';
import { DEFAULT_JAEGER_URL } from '../report/input.ts';
import { oneOf, port } from './arg-parsers.ts';
import { addServiceOptions, type ListenOptionKeys, type ServeOptions } from './serve.ts';

export interface ProfileOptions extends Omit<ServeOptions, ListenOptionKeys> {
  out: string;
  suite: SuiteName;
  /** Also run the suite with the other offload mode and compare the two. */
  compareOffload: boolean;
  jaegerUrl: string;
  compare: string[] | undefined;
  /** An external OpenAI-compatible server to profile instead of starting ours. */
  target: string | undefined;
  /** With `target`: receive its spans over OTLP and put their summary into the run folder. */
  collect: boolean;
  collectHost: string;
  collectPort: number;
  /** How long the target's spans may keep arriving after the load (seconds, `6s`, `1m`). */
  collectWait: string;
  path: string | undefined;
  header: string[] | undefined;
  model: string | undefined;
  responseFormat: string | undefined;
}

/** Default quiet time after the load: a little more than an OpenTelemetry SDK's 5 s export delay. */
export const DEFAULT_COLLECT_WAIT = '6s';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds what `profile` passes to the load generator and what profiling an external server takes. */
function addTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--target <url>',
        'profile this external OpenAI-compatible server (base URL) instead of starting the service; no service options then',
      ),
    )
    .addOption(
      new Option(
        '--collect',
        "with --target: receive the target's spans over OTLP/HTTP (it exports them to the printed endpoint) and add their summary to the run",
      ).default(false),
    )
    .addOption(new Option('--collect-host <host>', 'address the --collect receiver binds').default('127.0.0.1'))
    .addOption(
      new Option('--collect-port <port>', 'port of the --collect receiver (0 picks a free one)')
        .default(4318)
        .argParser(port),
    )
    .addOption(
      new Option(
        '--collect-wait <time>',
        "after the load, wait until no span of the target's has arrived for this long (seconds, or 6s, 1m)",
      ).default(DEFAULT_COLLECT_WAIT),
    )
    .addOption(new Option('--path <path>', `the transcription path below the target's URL (default ${DEFAULT_PATH})`))
    .addOption(
      new Option(
        '--header <header>',
        "extra request header 'Name: value', repeatable (never printed or written)",
      ).argParser(collect),
    )
    .addOption(new Option('--model <name>', `the multipart model field (default ${DEFAULT_MODEL})`))
    .addOption(
      new Option(
        '--response-format <format>',
        `the multipart response_format: ${RESPONSE_FORMATS.join(' or ')} (default json)`,
      ),
    );
}

/** The option's flag as the user typed it, for messages. */
function flag(command: Command, key: string): string {
  return command.options.find((option) => option.attributeName() === key)?.long ?? key;
}

/**
 * Refuses combinations that cannot mean anything: service options beside `--target` (there is
 * no service of ours to give them to; `--api-key` is the key sent to the target), `--collect`
 * and its settings without `--target`.
 */
function checkCombination(options: ProfileOptions, command: Command, serviceKeys: readonly string[]): void {
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
  const collectSettings = ['collectHost', 'collectPort', 'collectWait'];
  if (options.target !== undefined) {
    const clash = [...serviceKeys.filter((key) => key !== 'apiKey'), 'compareOffload'].find(given);
    if (clash)
      throw new UsageError(`--target profiles an external server: ${flag(command, clash)} has no service to go to`);
    const unused = options.collect ? undefined : collectSettings.find(given);
    if (unused) throw new UsageError(`${flag(command, unused)} configures --collect: give --collect too`);
    return;
  }
  const orphan = ['collect', ...collectSettings].find(given);
  if (orphan) throw new UsageError(`${flag(command, orphan)} needs --target (our own service keeps its own summary)`);
}

/** The `profile` command. */
export function profileCommand(): Command {
  const command = new Command('profile')
    .description(
      'start the service (or use --target), run a load suite against it, and write span-summary.json, load-results.json and report.html',
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
    .addOption(
      new Option(
        '--compare <dirs...>',
        'compare two earlier run folders A B instead of running: `amanuensis compare A B` (exit 1 on a significant regression)',
      ),
    );
  addTargetOptions(command);
  const before = command.options.length;
  addServiceOptions(command);
  const serviceKeys = command.options.slice(before).map((option) => option.attributeName());
  return command.action(async (options: ProfileOptions) => {
    if (options.compare) {
      if (options.compare.length !== 2) throw new UsageError('--compare takes exactly two run folders: A B');
      const { runCompare } = await import('./compare-run.ts');
      process.exitCode = await runCompare(options.compare[0]!, options.compare[1]!, {
        maxRegression: DEFAULT_MAX_REGRESSION,
        json: false,
      });
      return;
    }
    checkCombination(options, command, serviceKeys);
    if (options.target !== undefined) {
      const { runProfileTarget } = await import('./profile-target.ts');
      process.exitCode = await runProfileTarget(options);
      return;
    }
    const { runProfile } = await import('./profile-run.ts');
    process.exitCode = await runProfile(options);
  });
}
