/**
 * `amanuensis profile --target URL`: the load suite against an external OpenAI-compatible server
 * instead of our own service, into the same run folder (load-results.json, report.html). Its
 * spans are ours only when it exports them to us: with `--collect`, a receiver runs beside the
 * load and its summary joins the run (span-summary.json and the report's span panels).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { baseUrl } from '../loadgen/option-values.ts';
import type { LoadResults } from '../loadgen/results.ts';
import { runLoad } from '../loadgen/run-load.ts';
import { RUN_FILES } from '../report/run-folder.ts';
import type { SpanSummaryDocument } from '../rollup/document.ts';
import { writeFileAtomic } from '../rollup/writer.ts';
import { sdkDisabled, tracesExporters } from '../telemetry/env.ts';
import { LOADGEN_SERVICE_NAME } from '../telemetry/names.ts';
import { redactUrl } from '../telemetry/redact.ts';
import { startTelemetry } from '../telemetry/sdk.ts';
import { httpReachable } from './probe.ts';
import type { ProfileOptions } from './profile.ts';
import { exportEnv, finishProfile, profileLoadOptions, progressPrinter, runFolderName } from './profile-output.ts';

const SHUTDOWN_MILLIS = 5000;

/** Runs the suite against `options.target`; resolves with the exit code (1 when any request failed). */
export async function runProfileTarget(options: ProfileOptions): Promise<number> {
  const url = baseUrl('--target', options.target);
  const loadOptions = profileLoadOptions(options, url);
  // Listening first: a port in use is a clear error before any folder or request.
  const collector = options.collect
    ? await (await import('./profile-collect.ts')).startSideCollector(options)
    : undefined;
  try {
    // --out is checked now, its run folder made once there are results to put in it.
    await mkdir(resolve(options.out), { recursive: true });
    const folder = resolve(options.out, runFolderName(new Date()));
    const [, jaegerReachable] = await Promise.all([exportEnv(), httpReachable(options.jaegerUrl)]);
    loadOptions.trace = tracesExporters().includes('otlp') && !sdkDisabled();
    const telemetry = await startTelemetry({ serviceName: LOADGEN_SERVICE_NAME, instrumentHttpServer: false });
    const progress = progressPrinter(`${redactUrl(url)}, ${options.suite} suite`);
    let load: LoadResults;
    try {
      load = await runLoad(loadOptions, { onProgress: progress.onProgress });
    } finally {
      progress.stop();
      await telemetry.shutdown(SHUTDOWN_MILLIS);
    }
    // Made only now: a target that cannot be load-tested leaves no empty run folder behind.
    await mkdir(folder, { recursive: true });
    await writeFileAtomic(join(folder, RUN_FILES.load), `${JSON.stringify(load, null, 2)}\n`);
    let summary: SpanSummaryDocument | undefined;
    if (collector) {
      summary = await collector.finish();
      if (summary) await writeFileAtomic(join(folder, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
    }
    const failed = load.scenarios.reduce((sum, s) => sum + s.failed, 0);
    return await finishProfile(folder, [{ run: { label: 'target', load, ...(summary ? { summary } : {}) }, failed }], {
      jaegerUrl: options.jaegerUrl,
      jaegerReachable,
      files: summary ? [RUN_FILES.summary, RUN_FILES.load] : [RUN_FILES.load],
    });
  } finally {
    await collector?.close();
  }
}
