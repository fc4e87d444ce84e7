/**
 * What both kinds of `amanuensis profile` share: the load options they pass through, the run
 * folder's name, whether the client's spans can be exported, the progress lines, and the report
 * written at the end.
 */
import { join } from 'node:path';
import { type LoadOptions, parseLoadOptions } from '../loadgen/options.ts';
import { barProgress, type LoadEvent } from '../loadgen/progress.ts';
import { renderReportHtml } from '../report/html.ts';
import type { ReportRun } from '../report/input.ts';
import { RUN_FILES } from '../report/run-folder.ts';
import { renderTerminalReport } from '../report/terminal-profile.ts';
import { writeFileAtomic } from '../rollup/writer.ts';
import { otlpTracesUrl, sdkDisabled, tracesExporters } from '../telemetry/env.ts';
import { tcpReachable } from './probe.ts';
import type { ProfileOptions } from './profile.ts';

/** A run folder name that sorts by time and is safe on every file system. */
export function runFolderName(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/**
 * The suite's load options with what `profile` passes through (`--path`, `--header`, `--model`,
 * `--response-format`, the key), validated; call it before starting anything, with the target's
 * URL when known (our own service's is set once it listens). Whether to trace is the caller's
 * decision, once it knows whether spans can be exported.
 */
export function profileLoadOptions(options: ProfileOptions, url = 'http://127.0.0.1'): LoadOptions {
  return parseLoadOptions({
    url,
    suite: options.suite,
    progress: 'none',
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.responseFormat !== undefined ? { responseFormat: options.responseFormat } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
  });
}

/** Decides once whether spans can be exported; says so when no collector answers. */
export async function exportEnv(): Promise<Record<string, string>> {
  const exporters = tracesExporters();
  if (sdkDisabled() || !exporters.includes('otlp')) return {};
  const url = otlpTracesUrl();
  if (await tcpReachable(url)) return {};
  process.stderr.write(`no collector at ${url}; traces are not exported -- \`docker compose up jaeger\` to see them\n`);
  const others = exporters.filter((kind) => kind !== 'otlp').join(',') || 'none';
  process.env.OTEL_TRACES_EXPORTER = others;
  return { OTEL_TRACES_EXPORTER: others };
}

/** A progress bar per scenario on a terminal; a line per finished scenario otherwise. */
export function progressPrinter(label: string): { onProgress: (event: LoadEvent) => void; stop: () => void } {
  process.stderr.write(`${label}\n`);
  if (process.stderr.isTTY) {
    const bar = barProgress(process.stderr);
    return { onProgress: bar.onEvent, stop: bar.stop };
  }
  return {
    onProgress: (event) => {
      if (event.type !== 'scenario-end') return;
      const r = event.result;
      process.stderr.write(
        `[${label} ${event.index + 1}/${event.count}] ${r.name}: ${r.succeeded}/${r.requests} ok, ${r.throughput_rtf === null ? 'n/a' : `${r.throughput_rtf.toFixed(1)}x`} realtime\n`,
      );
    },
    stop: () => {},
  };
}

/** One profiled run and how many of its measured requests failed. */
export interface RunOutcome {
  run: ReportRun;
  failed: number;
}

/**
 * Writes report.html into the run folder, prints the terminal report and the files written, and
 * returns the exit code (1 when any request failed).
 */
export async function finishProfile(
  folder: string,
  outcomes: readonly RunOutcome[],
  report: { jaegerUrl: string; jaegerReachable: boolean; files: readonly string[] },
): Promise<number> {
  const input = {
    runs: outcomes.map((o) => o.run),
    jaegerUrl: report.jaegerUrl,
    jaegerReachable: report.jaegerReachable,
  };
  await writeFileAtomic(join(folder, RUN_FILES.report), renderReportHtml(input));
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(renderTerminalReport(input, { width: process.stdout.columns ?? 100, color }));
  process.stdout.write(`\nwrote ${folder}/{${[...report.files, RUN_FILES.report].join(',')}}\n`);
  const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
  if (failed > 0) process.stderr.write(`${failed} requests failed\n`);
  return failed > 0 ? 1 : 0;
}
