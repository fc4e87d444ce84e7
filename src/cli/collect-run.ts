/**
 * Runs `amanuensis collect`: the receiver, the periodic summary file, and a bounded shutdown on
 * SIGTERM/SIGINT (stop accepting, roll up what waits, write the final summary, exit 0).
 */
import { type Collector, startCollector } from '../collect/collector.ts';
import type { SummaryWriter } from '../rollup/writer.ts';
import { boundedShutdown } from '../telemetry/shutdown.ts';
import type { CollectCliOptions } from './collect.ts';
import { cannotListen, exitIfShutdownHangs, onStopSignals } from './stop-signals.ts';
import { closeSummaryFile, startSummaryFile, summaryFilePath } from './summary-file.ts';

/** Closing the listener and writing the summary each get this long; the process ends by HARD_EXIT_MILLIS. */
const STEP_MILLIS = 3000;
const HARD_EXIT_MILLIS = 9500;

async function shutdown(collector: Collector, writer: SummaryWriter | undefined, signal: string): Promise<void> {
  exitIfShutdownHangs(signal, HARD_EXIT_MILLIS);
  await boundedShutdown(() => collector.close(), STEP_MILLIS);
  await closeSummaryFile(writer, STEP_MILLIS);
  process.exit(0);
}

/** Starts the receiver and resolves once it is listening; shuts down on SIGTERM/SIGINT. */
export async function runCollect(options: CollectCliOptions): Promise<void> {
  const summaryOut = await summaryFilePath(options.summaryOut);
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
    throw cannotListen(options.host, options.port, error);
  }
  const writer = startSummaryFile(summaryOut, () => collector.summary(), options.summaryInterval);
  onStopSignals((signal) => void shutdown(collector, writer, signal));
  process.stdout.write(`amanuensis collect listening on ${collector.url}\n`);
  if (!options.quiet) {
    const health = collector.health();
    process.stdout.write(
      `OTLP/HTTP ${collector.url}/v1/traces${collector.grpcUrl ? `, OTLP/gRPC ${collector.grpcUrl}` : ''}${health.forward ? `; forwarding to ${health.forward.url}` : ''}; completion wait ${health.bounds.completion_wait_ms} ms, at most ${health.bounds.max_traces} traces and ${health.bounds.max_buffered_spans} spans waiting\n`,
    );
    process.stdout.write(`live view: ${collector.url}/live\n`);
  }
}
