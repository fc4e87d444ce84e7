/**
 * `amanuensis load`: the options and their help. Values reach src/loadgen/options.ts as the
 * strings the user typed, which validates them all in one place; running is load-run.ts.
 */
import { Command, Option } from 'commander';
import { DEFAULT_PATH } from '../loadgen/option-values.ts';
import {
  BUILTIN_AUDIO,
  DEFAULT_MODEL,
  DEFAULT_STREAMS,
  DEFAULT_TIMEOUT_S,
  type RawLoadOptions,
  RESPONSE_FORMATS,
} from '../loadgen/options.ts';
import { THRESHOLD_METRICS } from '../loadgen/thresholds.ts';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The `load` command. */
export function loadCommand(): Command {
  return new Command('load')
    .description(
      'load-test an OpenAI-compatible transcription endpoint: closed-model streams or an open-model arrival rate',
    )
    .addOption(new Option('--url <url>', 'base URL of the target (--path is appended), e.g. http://127.0.0.1:8080'))
    .addOption(new Option('--path <path>', `the transcription path below --url (default ${DEFAULT_PATH})`))
    .addOption(
      new Option(
        '--header <header>',
        "extra request header 'Name: value', repeatable (never printed or written; it wins over --api-key)",
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--streams <list>',
        `concurrent streams, closed model; a list runs each in turn (default ${DEFAULT_STREAMS})`,
      ),
    )
    .addOption(
      new Option(
        '--rate <rps>',
        'requests per second at evenly spaced intended start times, open model (instead of --streams)',
      ),
    )
    .addOption(
      new Option(
        '--max-in-flight <n>',
        'with --rate: at most n requests at once; one due beyond that waits for a place and counts as late (default unbounded)',
      ),
    )
    .addOption(
      new Option(
        '--audio <audio...>',
        `${BUILTIN_AUDIO.join('|')} (a comma list runs each) or audio files of any format the target takes, sent as they are (used in turn, one scenario) (default 1s)`,
      ),
    )
    .addOption(
      new Option(
        '--requests <n>',
        'measured requests per scenario across all its streams (default 8 per stream; 10 s worth for --rate)',
      ),
    )
    .addOption(
      new Option('--duration <time>', 'measure for this long instead of a request count: seconds, or 30s, 2m, 500ms'),
    )
    .addOption(
      new Option(
        '--warmup <n>',
        'requests before measuring, excluded from the results (default one per stream; 2 for --rate)',
      ),
    )
    .addOption(
      new Option(
        '--timeout <time>',
        `per-request timeout, whole request: seconds, or 30s, 2m, 500ms (default ${DEFAULT_TIMEOUT_S})`,
      ),
    )
    .addOption(
      new Option(
        '--suite <name>',
        'run a fixed suite instead: standard (single-stream profiling, then multi-stream scaling) or quick (a small version for CI)',
      ),
    )
    .addOption(
      new Option(
        '--threshold <expr>',
        `fail (exit 1) unless every scenario meets it, e.g. 'p99<800', 'success>=0.99'; metrics: ${THRESHOLD_METRICS.join(', ')}`,
      ).argParser(collect),
    )
    .addOption(new Option('--out <file>', 'write the load-results JSON here'))
    .addOption(
      new Option(
        '--progress <mode>',
        'auto (a bar on a TTY), json (NDJSON snapshots on stdout) or none (default auto)',
      ),
    )
    .addOption(new Option('--model <name>', `the multipart model field (default ${DEFAULT_MODEL})`))
    .addOption(
      new Option(
        '--response-format <format>',
        `the multipart response_format: ${RESPONSE_FORMATS.join(' or ')} (verbose_json makes OpenAI state the audio duration) (default json)`,
      ),
    )
    .addOption(new Option('--api-key <key>', 'send Authorization: Bearer <key>').env('AMANUENSIS_API_KEY'))
    .addOption(
      new Option(
        '--no-trace',
        "make no client spans (by default each request is a CLIENT span exported like the service's)",
      ),
    )
    .action(async (options: RawLoadOptions) => {
      const { runLoadCli } = await import('./load-run.ts');
      process.exitCode = await runLoadCli(options);
    });
}
