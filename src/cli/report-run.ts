/**
 * Runs `amanuensis report`: reads the inputs into runs (src/report/report-runs.ts), writes
 * report.html atomically, prints the terminal report and the path written.
 */
import { join, resolve } from 'node:path';
import { renderReportHtml } from '../report/html.ts';
import { reportRuns } from '../report/report-runs.ts';
import { isFolder } from '../report/result-files.ts';
import { RUN_FILES } from '../report/run-folder.ts';
import { renderTerminalReport } from '../report/terminal-profile.ts';
import { writeFileAtomic } from '../rollup/writer.ts';
import { checkOutputFile } from './output-path.ts';
import { httpReachable } from './probe.ts';
import type { ReportOptions } from './report.ts';

/** `report.html` in the first input when it is a folder, else in the current directory. */
async function defaultOutput(first: string): Promise<string> {
  return (await isFolder(first)) ? join(first, RUN_FILES.report) : resolve(RUN_FILES.report);
}

/** Renders the report of `paths`; every problem with an input is bad usage (exit 2). */
export async function runReport(paths: readonly string[], options: ReportOptions): Promise<void> {
  const runs = await reportRuns(paths);
  const out = options.out ?? (await defaultOutput(paths[0]!));
  const target = await checkOutputFile(out, options.out === undefined ? 'output' : '-o');
  const input = { runs, jaegerUrl: options.jaegerUrl, jaegerReachable: await httpReachable(options.jaegerUrl) };
  await writeFileAtomic(target, renderReportHtml(input));
  if (!options.quiet) {
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(`${renderTerminalReport(input, { width: process.stdout.columns ?? 100, color })}\n`);
  }
  process.stdout.write(`wrote ${target}\n`);
}
