/**
 * Runs `amanuensis profile`: the service in a child process, the load suite against it from this
 * process (client spans joining the service's traces), then the run folder
 * (span-summary.json, load-results.json, report.html) and the terminal report.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CliError } from '../core/command-errors.ts';
import type { LoadOptions } from '../loadgen/options.ts';
import type { LoadResults } from '../loadgen/results.ts';
import { runLoad } from '../loadgen/run-load.ts';
import { RUN_FILES } from '../report/run-folder.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { writeFileAtomic } from '../rollup/writer.ts';
import { formatDelaySpec } from '../service/inject-delay.ts';
import { sdkDisabled, tracesExporters } from '../telemetry/env.ts';
import { LOADGEN_SERVICE_NAME } from '../telemetry/names.ts';
import { startTelemetry } from '../telemetry/sdk.ts';
import { startChildService } from './child-service.ts';
import { httpReachable } from './probe.ts';
import type { ProfileOptions } from './profile.ts';
import {
  exportEnv,
  finishProfile,
  profileLoadOptions,
  progressPrinter,
  type RunOutcome,
  runFolderName,
} from './profile-output.ts';

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

async function profileOnce(
  options: ProfileOptions,
  loadOptions: LoadOptions,
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
    load = await runLoad({ ...loadOptions, url: service.url }, { onProgress: progress.onProgress });
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
  const loadOptions = profileLoadOptions(options);
  const folder = resolve(options.out, runFolderName(new Date()));
  await mkdir(folder, { recursive: true });
  const [env, jaegerReachable] = await Promise.all([exportEnv(), httpReachable(options.jaegerUrl)]);
  loadOptions.trace = tracesExporters().includes('otlp') && !sdkDisabled();
  const telemetry = await startTelemetry({ serviceName: LOADGEN_SERVICE_NAME, instrumentHttpServer: false });
  const offloads: Array<ProfileOptions['offload']> = options.compareOffload
    ? [options.offload, options.offload === 'fused' ? 'matmul' : 'fused']
    : [options.offload];
  const outcomes: RunOutcome[] = [];
  try {
    for (const [index, offload] of offloads.entries())
      outcomes.push(await profileOnce(options, loadOptions, offload, folder, index === 0 ? '' : `-${offload}`, env));
  } finally {
    await telemetry.shutdown(SHUTDOWN_MILLIS);
  }
  return finishProfile(folder, outcomes, {
    jaegerUrl: options.jaegerUrl,
    jaegerReachable,
    files: [RUN_FILES.summary, RUN_FILES.load],
  });
}
