/**
 * Runs `amanuensis serve`: telemetry first (so instrumentation-http sees the server), then the
 * worker pool, engine and HTTP service; SIGTERM/SIGINT drain, write the final summary, flush
 * spans and exit within a bounded time even when the collector is down.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { startTelemetry, type TelemetryHandle } from '../telemetry/sdk.ts';
import { RollupSpanProcessor } from '../rollup/processor.ts';
import { startSummaryWriter, type SummaryWriter } from '../rollup/writer.ts';
import type { ServeOptions } from './serve.ts';
import { CliError, UsageError } from './usage.ts';

/** How long a drain may wait for in-flight requests, and the span flush after it. */
const DRAIN_MILLIS = 5000;
const FLUSH_MILLIS = 3000;

/** Starts the service and resolves once it is listening; shuts down on SIGTERM/SIGINT. */
async function checkSummaryPath(path: string): Promise<void> {
  const folder = await stat(dirname(resolve(path))).catch(() => undefined);
  if (!folder?.isDirectory()) throw new UsageError(`--summary-out ${path}: folder ${dirname(resolve(path))} does not exist`);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--summary-out ${path} is a folder; give a file name`);
}

export async function runServe(options: ServeOptions): Promise<void> {
  if (options.summaryOut) await checkSummaryPath(options.summaryOut);
  let telemetryRef: TelemetryHandle | undefined;
  const rollup = new RollupSpanProcessor({
    serviceName: process.env.OTEL_SERVICE_NAME || 'amanuensis',
    droppedSpans: () => telemetryRef?.droppedSpans() ?? 0,
    warmupSpans: options.warmupSpans,
  });
  const telemetry = await startTelemetry({
    serviceName: 'amanuensis',
    spanProcessors: [rollup],
    instrumentHttpServer: true,
    detail: options.detail,
    ignoredPaths: ['/health', '/metrics', '/v1/span-summary'],
  });
  telemetryRef = telemetry;
  const [{ createService }, { Admission }, { createWorkerPool }, { createEngine }] = await Promise.all([
    import('../service/server.ts'),
    import('../service/admission.ts'),
    import('../engine/pool.ts'),
    import('../engine/index.ts'),
  ]);
  const pool = createWorkerPool();
  let engine;
  try {
    engine = await createEngine(options.engine, { pool, device: options.device, offload: options.offload, columns: options.columns });
  } catch (error) {
    await pool.close();
    await telemetry.shutdown(FLUSH_MILLIS);
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const admission = new Admission({ maxConcurrent: options.maxConcurrent, maxQueued: options.maxQueue, retryAfterS: 1 });
  const startedAt = Date.now();
  const answered = { ok: 0, failed: 0 };
  const service = createService({
    pool,
    engine,
    admission,
    maxDurationS: options.maxDurationS,
    requestTimeoutMs: options.requestTimeoutS * 1000,
    limits: { maxFileBytes: Math.round(options.maxUploadMb * 1024 * 1024), maxFields: 16, maxFieldBytes: 64 * 1024 },
    apiKey: options.apiKey,
    spanSummary: () => rollup.summary(),
    onAnswered: (status) => (status === 200 ? answered.ok++ : answered.failed++),
    healthFacts: () => ({
      engine: engine.name,
      model: engine.model,
      ...engine.describe(),
      detail: options.detail,
      tracing: telemetry.enabled,
      dropped_spans: telemetry.droppedSpans(),
      in_flight: admission.inFlight,
      queued: admission.queued,
      answered_ok: answered.ok,
      answered_failed: answered.failed,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    }),
  });
  let url: string;
  try {
    url = await service.listen(options.host, options.port);
  } catch (error) {
    await Promise.all([pool.close(), engine.close()]);
    await telemetry.shutdown(FLUSH_MILLIS);
    throw new CliError(`cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const writer: SummaryWriter | undefined = options.summaryOut
    ? startSummaryWriter({ path: options.summaryOut, summary: () => rollup.summary(), intervalMs: options.summaryInterval * 1000 })
    : undefined;
  process.stdout.write(`amanuensis listening on ${url}\n`);
  if (!options.quiet) {
    process.stdout.write(`engine ${engine.name} (${engine.model}), device ${options.device}, offload ${options.offload}, detail ${options.detail}, tracing ${telemetry.enabled ? 'on' : 'off'}\n`);
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (!options.quiet) process.stdout.write(`${signal}: draining\n`);
    const drained = service.drain();
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MILLIS).unref())]);
    service.server.closeAllConnections();
    await writer?.close().catch((error: Error) => process.stderr.write(`span summary: ${error.message}\n`));
    await Promise.all([pool.close(), engine.close()]);
    await telemetry.shutdown(FLUSH_MILLIS);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
