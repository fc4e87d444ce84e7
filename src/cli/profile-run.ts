/**
 * Runs `amanuensis profile`: the service in a child process, the load suite against it from this
 * process (client spans joining the service's traces), then the run folder
 * (span-summary.json, load-results.json, report.html) and the terminal report.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CliError } from '../core/command-errors.ts';
import { barProgress, type LoadEvent } from '../loadgen/progress.ts';
import type { LoadResults } from '../loadgen/results.ts';
import { runSuite } from '../loadgen/run-load.ts';
import { renderReportHtml } from '../report/html.ts';
import type { LabelledRun } from '../report/input.ts';
import { renderTerminalReport } from '../report/terminal-profile.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { writeFileAtomic } from '../rollup/writer.ts';
import { formatDelaySpec } from '../service/inject-delay.ts';
import { otlpTracesUrl, sdkDisabled, tracesExporters } from '../telemetry/env.ts';
import { LOADGEN_SERVICE_NAME } from '../telemetry/names.ts';
import { startTelemetry } from '../telemetry/sdk.ts';
import { startChildService } from './child-service.ts';
import { httpReachable, tcpReachable } from './probe.ts';
import type { ProfileOptions } from './profile.ts';

const SHUTDOWN_MILLIS = 5000;

/** `serve` arguments for one profiled run. */
export function serveArgs(options: ProfileOptions, offload: ProfileOptions['offload'], summaryOut: string): string[] {
  return [
    '--host',
    '127.0.0.1',
    '--quiet',
    '--device',
    options.device,
    '--offload',
    offload,
    '--detail',
    options.detail,
    '--engine',
    options.engine,
    '--columns',
    String(options.columns),
    '--warmup-spans',
    String(options.warmupSpans),
    '--max-upload-mb',
    String(options.maxUploadMb),
    '--max-duration-s',
    String(options.maxDurationS),
    '--max-concurrent',
    String(options.maxConcurrent),
    '--max-queue',
    String(options.maxQueue),
    '--request-timeout-s',
    String(options.requestTimeoutS),
    '--summary-out',
    summaryOut,
    '--summary-interval',
    '0',
    ...options.injectDelay.flatMap((spec) => ['--inject-delay', formatDelaySpec(spec)]),
  ];
}

/** A run folder name that sorts by time and is safe on every file system. */
export function runFolderName(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Decides once whether spans can be exported; says so when no collector answers. */
async function exportEnv(): Promise<Record<string, string>> {
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
function progressPrinter(label: string): { onProgress: (event: LoadEvent) => void; stop: () => void } {
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

interface RunOutcome {
  run: LabelledRun;
  failed: number;
}

async function profileOnce(
  options: ProfileOptions,
  offload: ProfileOptions['offload'],
  folder: string,
  suffix: string,
  env: Record<string, string>,
): Promise<RunOutcome> {
  const summaryFile = join(folder, `span-summary${suffix}.json`);
  const service = await startChildService(serveArgs(options, offload, summaryFile), {
    ...env,
    ...(options.apiKey ? { AMANUENSIS_API_KEY: options.apiKey } : {}),
  }).catch((error: Error) => {
    throw new CliError(error.message);
  });
  // The key stays out of the printed URL: a terminal's scrollback is no place for it.
  process.stderr.write(`live view: ${service.url}/live${options.apiKey ? '?key=<API key>' : ''}\n`);
  const progress = progressPrinter(`${offload} offload, ${options.suite} suite`);
  let load: LoadResults;
  try {
    load = await runSuite(
      { url: service.url, suite: options.suite, trace: tracesExporters().includes('otlp') && !sdkDisabled() },
      {
        onProgress: progress.onProgress,
        ...(options.apiKey ? { headers: { authorization: `Bearer ${options.apiKey}` } } : {}),
      },
    );
  } finally {
    progress.stop();
    const code = await service.stop();
    if (code !== 0) process.stderr.write(`the service exited with ${code}\n`);
  }
  await writeFileAtomic(join(folder, `load-results${suffix}.json`), `${JSON.stringify(load, null, 2)}\n`);
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as SpanSummaryDocument;
  const failed = load.scenarios.reduce((sum, s) => sum + s.failed, 0);
  return { run: { label: offload, summary, load }, failed };
}

/** Runs the profile; resolves with the exit code (1 when any request failed). */
export async function runProfile(options: ProfileOptions): Promise<number> {
  const folder = resolve(options.out, runFolderName(new Date()));
  await mkdir(folder, { recursive: true });
  const [env, jaegerReachable] = await Promise.all([exportEnv(), httpReachable(options.jaegerUrl)]);
  const telemetry = await startTelemetry({ serviceName: LOADGEN_SERVICE_NAME, instrumentHttpServer: false });
  const offloads: Array<ProfileOptions['offload']> = options.compareOffload
    ? [options.offload, options.offload === 'fused' ? 'matmul' : 'fused']
    : [options.offload];
  const outcomes: RunOutcome[] = [];
  try {
    for (const [index, offload] of offloads.entries())
      outcomes.push(await profileOnce(options, offload, folder, index === 0 ? '' : `-${offload}`, env));
  } finally {
    await telemetry.shutdown(SHUTDOWN_MILLIS);
  }
  const input = { runs: outcomes.map((o) => o.run), jaegerUrl: options.jaegerUrl, jaegerReachable };
  await writeFileAtomic(join(folder, 'report.html'), renderReportHtml(input));
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(renderTerminalReport(input, { width: process.stdout.columns ?? 100, color }));
  process.stdout.write(`\nwrote ${folder}/{span-summary.json,load-results.json,report.html}\n`);
  const failed = outcomes.reduce((sum, o) => sum + o.failed, 0);
  if (failed > 0) process.stderr.write(`${failed} requests failed\n`);
  return failed > 0 ? 1 : 0;
}
