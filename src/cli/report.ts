/**
 * `amanuensis report DIR|FILE… [-o report.html]`: report.html (and the terminal report) from
 * results made earlier or elsewhere: run folders, load results alone, span summaries alone or
 * merged. Options here; running is report-run.ts, grouping the inputs src/report/report-runs.ts.
 */
import { Command, Option } from 'commander';
import { DEFAULT_JAEGER_URL } from '../report/input.ts';
import { baseUrl } from './summary.ts';

export interface ReportOptions {
  out: string | undefined;
  jaegerUrl: string;
  quiet: boolean;
}

/** The `report` command. */
export function reportCommand(): Command {
  return new Command('report')
    .description(
      'render report.html from results: run folders, load-results.json and span-summary.json files (told apart by content; several span summaries are merged); a panel whose document is missing says what it needs',
    )
    .argument('<paths...>', 'run folders (as profile writes them) or result files')
    .addOption(
      new Option(
        '-o, --out <file>',
        'where to write the report (default: report.html in the first input when it is a folder, else in the current directory)',
      ),
    )
    .addOption(
      new Option('--jaeger-url <url>', 'Jaeger UI base URL for trace links')
        .default(DEFAULT_JAEGER_URL)
        .argParser(baseUrl),
    )
    .addOption(new Option('--quiet', 'print only the path written, not the terminal report').default(false))
    .action(async (paths: string[], options: ReportOptions) => {
      const { runReport } = await import('./report-run.ts');
      await runReport(paths, options);
    });
}
