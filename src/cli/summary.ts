/**
 * `amanuensis summary`: `show FILE` (where the time goes, a typical request, the slowest traces)
 * and `merge A B... -o OUT` (several replicas or runs into one document). Options are parsed and
 * validated here; reading is summary-read.ts, running summary-show.ts / summary-merge.ts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_JAEGER_URL } from '../report/input.ts';
import { positiveInt } from './arg-parsers.ts';

/** commander argument parser for an http(s) base URL; drops a trailing slash. */
export function baseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`must be an http(s) URL, e.g. ${DEFAULT_JAEGER_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must be an http(s) URL');
  return value.replace(/\/+$/, '');
}

export interface ShowOptions {
  jaegerUrl: string;
  root: string | undefined;
  width: number;
}

/** The `summary` command with its `show` and `merge` subcommands. */
export function summaryCommand(): Command {
  const show = new Command('show')
    .description(
      'print where the time goes (self time per stage), percentiles per stage, why the tail is slow, the resources, the slowest request exactly, a typical one as a waterfall, and links to the slowest traces',
    )
    .argument('<file>', 'a span-summary.json')
    .addOption(
      new Option('--jaeger-url <url>', 'Jaeger UI base URL for trace links')
        .default(DEFAULT_JAEGER_URL)
        .argParser(baseUrl),
    )
    .addOption(
      new Option(
        '--root <name>',
        'span name whose requests the waterfall shows (default: the root with the most stages)',
      ),
    )
    .addOption(new Option('--width <columns>', 'width of the bars').default(40).argParser(positiveInt))
    .action(async (file: string, options: ShowOptions) => {
      const { runShow } = await import('./summary-show.ts');
      await runShow(file, options);
    });
  const merge = new Command('merge')
    .description('merge span summaries (replicas or runs) into one, exactly as if one process had seen all their spans')
    .argument('<files...>', 'span-summary.json files')
    .requiredOption('-o, --out <file>', 'where to write the merged summary')
    .action(async (files: string[], options: { out: string }) => {
      const { runMerge } = await import('./summary-merge.ts');
      await runMerge(files, options.out);
    });
  return new Command('summary')
    .description('show or merge span summaries (span-summary.json)')
    .addCommand(show)
    .addCommand(merge);
}
