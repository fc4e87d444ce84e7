/**
 * Runs `amanuensis serve`: telemetry first (so instrumentation-http sees the server), then the
 * worker pool, engine and HTTP service; SIGTERM/SIGINT drain, write the final summary, flush
 * spans and exit within a bounded time even when the collector is down.
 */

import { CliError } from '../core/command-errors.ts';
import type { Engine } from '../engine/engine.ts';
import type { WorkerPool } from '../engine/pool.ts';
import { createLiveRoutes } from '../live/routes.ts';
import { createSpanMetrics, type SpanMetrics } from '../rollup/metrics.ts';
import { RollupSpanProcessor } from '../rollup/processor.ts';
import type { SummaryWriter } from '../rollup/writer.ts';
import { DelayPlan } from '../service/inject-delay.ts';
import type { Service } from '../service/server.ts';
import { sdkDisabled } from '../telemetry/env.ts';
import { SERVICE_NAME, UNTRACED_PATHS } from '../telemetry/names.ts';
import { serviceResource, startTelemetry, type TelemetryHandle } from '../telemetry/sdk.ts';
import { boundedShutdown } from '../telemetry/shutdown.ts';
import type { ServeOptions } from './serve.ts';
import { pendingResources, serviceResourceNames } from './serve-resources.ts';
import { cannotListen, exitIfShutdownHangs, onStopSignals } from './stop-signals.ts';
import { closeSummaryFile, startSummaryFile, summaryFilePath } from './summary-file.ts';

/**
 * The shutdown budget: SIGTERM must end the process within 10 s (container runtimes kill after
 * 10 s by default). In-flight requests get DRAIN_MILLIS (then 1 s to answer 503 if abandoned), the
 * final summary and the pool SMALL_STEP_MILLIS each, the span flush FLUSH_MILLIS; HARD_EXIT_MILLIS
 * ends the process whatever still hangs.
 */
const DRAIN_MILLIS = 5000;
const SMALL_STEP_MILLIS = 1000;
const FLUSH_MILLIS = 2000;
const HARD_EXIT_MILLIS = 9500;

/** Multipart limits beyond the file: the OpenAI form has seven fields, each short. */
const MAX_FIELDS = 16;
const MAX_FIELD_BYTES = 64 * 1024;

interface Running {
  service: Service;
  pool: WorkerPool;
  engine: Engine;
  telemetry: TelemetryHandle;
  metrics: SpanMetrics | undefined;
  writer: SummaryWriter | undefined;
  quiet: boolean;
}

/** Drains, writes the final summary, closes the pool and flushes spans, then exits 0. */
async function shutdown(running: Running, signal: string): Promise<void> {
  exitIfShutdownHangs(signal, HARD_EXIT_MILLIS);
  // drain() closes the listener before it returns its promise: the line then means "not accepting".
  const draining = running.service.drain(DRAIN_MILLIS);
  if (!running.quiet) process.stdout.write(`${signal}: draining\n`);
  const finished = await draining;
  if (!finished)
    process.stderr.write(`${signal}: in-flight requests outlasted ${DRAIN_MILLIS} ms; answered them 503\n`);
  await closeSummaryFile(running.writer, SMALL_STEP_MILLIS);
  await boundedShutdown(() => Promise.all([running.pool.close(), running.engine.close()]), SMALL_STEP_MILLIS);
  await Promise.all([
    running.telemetry.shutdown(FLUSH_MILLIS),
    boundedShutdown(() => running.metrics?.shutdown() ?? Promise.resolve(), FLUSH_MILLIS),
  ]);
  process.exit(0);
}

/** Starts the service and resolves once it is listening; shuts down on SIGTERM/SIGINT. */
export async function runServe(options: ServeOptions): Promise<void> {
  const summaryOut = await summaryFilePath(options.summaryOut);
  const serviceName = process.env.OTEL_SERVICE_NAME || SERVICE_NAME;
  let telemetryRef: TelemetryHandle | undefined;
  const resources = pendingResources(serviceResourceNames(options));
  const rollup = new RollupSpanProcessor({
    serviceName,
    resources: resources.sources,
    droppedSpans: () => telemetryRef?.droppedSpans() ?? 0,
    warmupSpans: options.warmupSpans,
  });
  // One resource for traces and metrics: target_info then names the same process as the spans.
  const resource = sdkDisabled() ? undefined : await serviceResource(SERVICE_NAME);
  const metrics = resource
    ? await createSpanMetrics({
        serviceName,
        resource,
        resources: resources.sources,
        droppedSpans: () => telemetryRef?.droppedSpans() ?? 0,
      })
    : undefined;
  const telemetry = await startTelemetry({
    ...(resource ? { resource } : {}),
    serviceName: SERVICE_NAME,
    spanProcessors: metrics ? [rollup, metrics.processor] : [rollup],
    instrumentHttpServer: true,
    detail: options.detail,
    ignoredPaths: UNTRACED_PATHS,
  });
  telemetryRef = telemetry;
  const [{ createService }, { Admission }, { ProcessingRate }, { createWorkerPool }, { createEngine }] =
    await Promise.all([
      import('../service/server.ts'),
      import('../service/admission.ts'),
      import('../service/processing-rate.ts'),
      import('../engine/pool.ts'),
      import('../engine/index.ts'),
    ]);
  const stopTelemetry = (): Promise<unknown> => Promise.all([telemetry.shutdown(FLUSH_MILLIS), metrics?.shutdown()]);
  const pool = createWorkerPool();
  let engine: Engine;
  try {
    engine = await createEngine(options.engine, {
      pool,
      device: options.device,
      offload: options.offload,
      columns: options.columns,
    });
  } catch (error) {
    await pool.close();
    await stopTelemetry();
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const admission = new Admission({
    maxConcurrent: options.maxConcurrent,
    maxQueued: options.maxQueue,
    retryAfterS: 1,
    maxUploads: options.maxUploads,
    minUploadBytesPerS: options.uploadMinRateKib * 1024,
    uploadGraceMs: options.uploadGraceS * 1000,
  });
  const processingRate = new ProcessingRate();
  resources.attach([admission.meter, admission.uploads, pool.meter, ...(engine.resources ?? [])]);
  const startedAt = Date.now();
  const answered = { ok: 0, failed: 0 };
  const service = createService({
    pool,
    engine,
    admission,
    maxDurationS: options.maxDurationS,
    ...(options.injectDelay.length > 0 ? { delays: new DelayPlan(options.injectDelay) } : {}),
    requestTimeoutMs: options.requestTimeoutS * 1000,
    processingRate,
    limits: {
      maxFileBytes: Math.round(options.maxUploadMb * 1024 * 1024),
      maxFields: MAX_FIELDS,
      maxFieldBytes: MAX_FIELD_BYTES,
    },
    apiKey: options.apiKey,
    spanSummary: () => rollup.summary(),
    live: createLiveRoutes({ summary: () => rollup.summary() }),
    ...(metrics ? { metrics: metrics.handleMetrics } : {}),
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
      open_requests: admission.openRequests,
      uploads_receiving: admission.reception.receiving,
      processing_s_per_audio_s: processingRate.secondsPerAudioS ?? null,
      answered_ok: answered.ok,
      answered_failed: answered.failed,
      rss_bytes: process.memoryUsage.rss(),
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    }),
  });
  let url: string;
  try {
    url = await service.listen(options.host, options.port);
  } catch (error) {
    await Promise.all([pool.close(), engine.close()]);
    await stopTelemetry();
    throw cannotListen(options.host, options.port, error);
  }
  const writer = startSummaryFile(summaryOut, () => rollup.summary(), options.summaryInterval);
  const running: Running = { service, pool, engine, telemetry, metrics, writer, quiet: options.quiet };
  onStopSignals((signal) => void shutdown(running, signal));
  process.stdout.write(`amanuensis listening on ${url}\n`);
  if (!options.quiet) {
    process.stdout.write(
      `engine ${engine.name} (${engine.model}), device ${options.device}, offload ${options.offload}, detail ${options.detail}, tracing ${telemetry.enabled ? 'on' : 'off'}\n`,
    );
  }
}
