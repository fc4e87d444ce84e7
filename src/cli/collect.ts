/**
 * `amanuensis collect`: options, their defaults and validation. Running lives in collect-run.ts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { COLLECT_DEFAULTS } from '../collect/collector.ts';
import { tracesEndpoint } from '../collect/forwarder.ts';
import { nonNegativeNumber, port, positiveInt } from './arg-parsers.ts';
import { addSummaryFileOptions } from './summary-file.ts';

/** Everything `collect` needs, validated. */
export interface CollectCliOptions {
  host: string;
  port: number;
  /** 'off': no gRPC listener. */
  grpcPort: number | 'off';
  forward: string | undefined;
  forwardQueue: number;
  summaryOut: string | undefined;
  summaryInterval: number;
  completionWait: number;
  maxTraces: number;
  maxSpansPerTrace: number;
  maxBufferedSpans: number;
  maxBodyMb: number;
  serviceName: string;
  quiet: boolean;
}

/** commander argument parser for a number of MiB above 0 and at most 1024. */
function mebibytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1024)
    throw new InvalidArgumentError('must be a number of MiB from above 0 to 1024');
  return n;
}

/** commander argument parser for the --forward endpoint. */
function forwardUrl(value: string): string {
  try {
    tracesEndpoint(value);
  } catch {
    throw new InvalidArgumentError('must be an http:// or https:// URL');
  }
  return value;
}

/** commander argument parser for a completion wait, seconds from 0 to 3600. */
function waitSeconds(value: string): number {
  const n = nonNegativeNumber(value);
  if (n > 3600) throw new InvalidArgumentError('must be at most 3600 seconds');
  return n;
}

/** The `collect` command. */
export function collectCommand(): Command {
  const receiving = new Command('collect')
    .description(
      'receive OTLP traces (HTTP POST /v1/traces, protobuf or JSON, gzip or not; gRPC TraceService/Export) from any service and roll them up: GET /v1/span-summary, /metrics, /health',
    )
    .addOption(
      new Option('--host <host>', 'address to bind (use 0.0.0.0 in a container)').default(COLLECT_DEFAULTS.host),
    )
    .addOption(
      new Option('--port <port>', 'OTLP/HTTP port (0 picks a free one)').default(COLLECT_DEFAULTS.port).argParser(port),
    )
    .addOption(
      new Option('--grpc-port <port>', 'OTLP/gRPC port (0 picks a free one; off: no gRPC listener)')
        .default(4317)
        // commander turns a parser's undefined into '', so 'off' stays a value of its own.
        .argParser((value): number | 'off' => (value === 'off' ? 'off' : port(value))),
    )
    .addOption(
      new Option(
        '--forward <url>',
        'pass every accepted export on, unchanged, to this OTLP/HTTP endpoint (Jaeger, a Collector; /v1/traces when the URL has no path)',
      ).argParser(forwardUrl),
    )
    .addOption(
      new Option('--forward-queue <n>', 'exports waiting to be forwarded; beyond it they are dropped, counted')
        .default(512)
        .argParser(positiveInt),
    );
  return addSummaryFileOptions(receiving)
    .addOption(
      new Option(
        '--completion-wait <seconds>',
        "a trace is rolled up once no span of it has arrived for this long (raise it above the senders' batch delay)",
      )
        .default(COLLECT_DEFAULTS.completionWaitMs / 1000)
        .argParser(waitSeconds),
    )
    .addOption(
      new Option('--max-traces <n>', 'traces waiting at once; beyond it the oldest is rolled up early')
        .default(COLLECT_DEFAULTS.maxTraces)
        .argParser(positiveInt),
    )
    .addOption(
      new Option('--max-spans-per-trace <n>', 'spans waiting per trace; further ones are rolled up alone, counted')
        .default(COLLECT_DEFAULTS.maxSpansPerTrace)
        .argParser(positiveInt),
    )
    .addOption(
      new Option('--max-buffered-spans <n>', 'spans waiting in all; further ones are rolled up alone, counted')
        .default(COLLECT_DEFAULTS.maxBufferedSpans)
        .argParser(positiveInt),
    )
    .addOption(
      new Option('--max-body-mb <MiB>', 'largest export, before and after decompression (413 beyond)')
        .default(COLLECT_DEFAULTS.maxBodyBytes / 1024 / 1024)
        .argParser(mebibytes),
    )
    .addOption(
      new Option('--service-name <name>', 'service.name of the summary document').default(COLLECT_DEFAULTS.serviceName),
    )
    .addOption(new Option('--quiet', 'print only the listening line').default(false))
    .action(async (options: CollectCliOptions) => {
      const { runCollect } = await import('./collect-run.ts');
      await runCollect(options);
    });
}
