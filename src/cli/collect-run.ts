/**
 * Runs `amanuensis collect`: the receiver, the periodic summary file, and a bounded shutdown on
 * SIGTERM/SIGINT (stop accepting, roll up what waits, write the final summary, exit 0).
 */
import { type Collector, startCollector } from '../collect/collector.ts';
import { CliError } from '../core/command-errors.ts';
import { type SummaryWriter, startSummaryWriter } from '../rollup/writer.ts';
import { boundedShutdown } from '../telemetry/shutdown.ts';
import type { CollectCliOptions } from './collect.ts';
import { checkOutputFile } from './output-path.ts';

/** Closing the listener and writing the summary each get this long; the process ends by HARD_EXIT_MILLIS. */
const STEP_MILLIS = 3000;
const HARD_EXIT_MILLIS = 9500;

async function shutdown(collector: Collector, writer: SummaryWriter | undefined, signal: string): Promise<void> {
  const hardExit = setTimeout(() => {
    process.stderr.write(`${signal}: shutdown did not finish in ${HARD_EXIT_MILLIS} ms; exiting\n`);
    process.exit(1);
  }, HARD_EXIT_MILLIS);
  hardExit.unref();
  await boundedShutdown(() => collector.close(), STEP_MILLIS);
  if (writer)
    await boundedShutdown(
      () => writer.close().catch((error: Error) => process.stderr.write(`span summary: ${error.message}\n`)),
      STEP_MILLIS,
    );
  process.exit(0);
}

/** Starts the receiver and resolves once it is listening; shuts down on SIGTERM/SIGINT. */
export async function runCollect(options: CollectCliOptions): Promise<void> {
  const summaryOut =
    options.summaryOut === undefined ? undefined : await checkOutputFile(options.summaryOut, '--summary-out');
  let collector: Collector;
  try {
    collector = await startCollector({
      host: options.host,
      port: options.port,
      ...(options.grpcPort === 'off' ? {} : { grpcPort: options.grpcPort }),
      ...(options.forward === undefined ? {} : { forward: options.forward, forwardQueue: options.forwardQueue }),
      completionWaitMs: options.completionWait * 1000,
      maxTraces: options.maxTraces,
      maxSpansPerTrace: options.maxSpansPerTrace,
      maxBufferedSpans: options.maxBufferedSpans,
      maxBodyBytes: Math.round(options.maxBodyMb * 1024 * 1024),
      serviceName: options.serviceName,
    });
  } catch (error) {
    throw new CliError(
      `cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const writer = summaryOut
    ? startSummaryWriter({
        path: summaryOut,
        summary: () => collector.summary(),
        intervalMs: options.summaryInterval * 1000,
      })
    : undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal (Ctrl-C twice) means: stop waiting.
    if (stopping) process.exit(1);
    stopping = true;
    void shutdown(collector, writer, signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.stdout.write(`amanuensis collect listening on ${collector.url}\n`);
  if (!options.quiet) {
    const health = collector.health();
    process.stdout.write(
      `OTLP/HTTP ${collector.url}/v1/traces${collector.grpcUrl ? `, OTLP/gRPC ${collector.grpcUrl}` : ''}${health.forward ? `; forwarding to ${health.forward.url}` : ''}; completion wait ${health.bounds.completion_wait_ms} ms, at most ${health.bounds.max_traces} traces and ${health.bounds.max_buffered_spans} spans waiting\n`,
    );
    process.stdout.write(`live view: ${collector.url}/live\n`);
  }
}
