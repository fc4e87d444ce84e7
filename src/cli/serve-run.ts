/**
 * Runs `amanuensis serve`: telemetry first (so instrumentation-http sees the server), then the
 * worker pool, engine and HTTP service; SIGTERM/SIGINT drain, write the final summary, flush
 * spans and exit within a bounded time even when the collector is down.
 */
import { startTelemetry } from '../telemetry/sdk.ts';
import type { ServeOptions } from './serve.ts';
import { CliError } from './usage.ts';

/** How long a drain may wait for in-flight requests, and the span flush after it. */
const DRAIN_MILLIS = 5000;
const FLUSH_MILLIS = 3000;

/** Starts the service and resolves once it is listening; shuts down on SIGTERM/SIGINT. */
export async function runServe(options: ServeOptions): Promise<void> {
  const telemetry = await startTelemetry({
    serviceName: 'amanuensis',
    instrumentHttpServer: true,
    detail: options.detail,
    ignoredPaths: ['/health', '/metrics', '/v1/span-summary'],
  });
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
    await Promise.all([pool.close(), engine.close()]);
    await telemetry.shutdown(FLUSH_MILLIS);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
