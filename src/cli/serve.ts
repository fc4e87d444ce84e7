/**
 * `amanuensis serve`: options, their defaults and validation. Running lives in serve-run.ts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEVICES, type DeviceName, OFFLOADS, type OffloadMode } from '../accelerator/device.ts';
import { ENGINES, type EngineName } from '../engine/engine.ts';
import type { DelaySpec } from '../service/inject-delay.ts';
import { DEFAULT_DETAIL, DELAYABLE_SPANS, DETAILS, type Detail } from '../telemetry/names.ts';
import { nonNegativeNumber, oneOf, port, positiveInt } from './arg-parsers.ts';
import { addSummaryFileOptions } from './summary-file.ts';

/** commander argument parser for a number above zero (a zero limit would refuse everything). */
function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0');
  return n;
}

/** commander argument parser for `SPAN=MS[@FRACTION]`, collecting repeated values. */
function injectDelay(value: string, previous: DelaySpec[] = []): DelaySpec[] {
  const match = /^([^=@]+)=([^=@]+)(?:@([^=@]+))?$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be SPAN=MS or SPAN=MS@FRACTION, e.g. mel.log_mel=300@0.1');
  const [, span, msText, fractionText] = match as unknown as [string, string, string, string | undefined];
  if (!DELAYABLE_SPANS.includes(span))
    throw new InvalidArgumentError(`unknown stage span '${span}'; one of ${DELAYABLE_SPANS.join(', ')}`);
  const ms = Number(msText);
  if (msText.trim() === '' || !Number.isFinite(ms) || ms <= 0)
    throw new InvalidArgumentError(`delay '${msText}' must be a number of milliseconds above 0`);
  const fraction = fractionText === undefined ? 1 : Number(fractionText);
  if (fractionText?.trim() === '' || !Number.isFinite(fraction) || fraction <= 0 || fraction > 1)
    throw new InvalidArgumentError(`fraction '${fractionText}' must be in (0, 1]`);
  return [...previous, { span, ms, fraction }];
}

/** Everything `serve` needs, validated. */
export interface ServeOptions {
  host: string;
  port: number;
  device: DeviceName;
  offload: OffloadMode;
  detail: Detail;
  engine: EngineName;
  columns: number;
  summaryOut: string | undefined;
  summaryInterval: number;
  warmupSpans: number;
  maxUploadMb: number;
  maxDurationS: number;
  maxConcurrent: number;
  maxQueue: number;
  maxUploads: number;
  uploadMinRateKib: number;
  uploadGraceS: number;
  requestTimeoutS: number;
  apiKey: string | undefined;
  quiet: boolean;
  injectDelay: DelaySpec[];
}

/** The options of one service process's own listener and output, which `profile` decides itself. */
export type ListenOptionKeys = 'host' | 'port' | 'summaryOut' | 'summaryInterval' | 'quiet';

/** Adds what the service does (device, detail, limits, key...): `serve` and `profile` share these. */
export function addServiceOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--device <device>', 'accelerator device')
        .default('npu-sim' satisfies DeviceName)
        .argParser(oneOf(DEVICES)),
    )
    .addOption(
      new Option('--offload <mode>', 'encoder offload: one fused pass, or six matmul launches per layer')
        .default('fused' satisfies OffloadMode)
        .argParser(oneOf(OFFLOADS)),
    )
    .addOption(new Option('--detail <level>', 'span detail').default(DEFAULT_DETAIL).argParser(oneOf(DETAILS)))
    .addOption(
      new Option('--engine <engine>', 'recogniser').default('reference' satisfies EngineName).argParser(oneOf(ENGINES)),
    )
    .addOption(new Option('--columns <n>', 'npu-sim columns that run concurrently').default(8).argParser(positiveInt))
    .addOption(
      new Option('--warmup-spans <n>', 'leave the first N spans out of the rollups')
        .default(0)
        .argParser((v) => (v === '0' ? 0 : positiveInt(v))),
    )
    .addOption(new Option('--max-upload-mb <mb>', 'largest accepted upload, MiB').default(25).argParser(positiveNumber))
    .addOption(
      new Option('--max-duration-s <seconds>', 'longest accepted audio, seconds')
        .default(600)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option('--max-concurrent <n>', 'transcriptions processed at once').default(32).argParser(positiveInt),
    )
    .addOption(
      new Option('--max-queue <n>', 'transcriptions waiting (their file arrived) beyond that before 503')
        .default(128)
        .argParser((v) => (v === '0' ? 0 : positiveInt(v))),
    )
    .addOption(
      new Option('--max-uploads <n>', 'uploads received at once, apart from the processing slots')
        .default(64)
        .argParser(positiveInt),
    )
    .addOption(
      new Option(
        '--upload-min-rate-kib <KiB/s>',
        'slowest upload accepted after the grace period (408 and disconnect below it)',
      )
        .default(8)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option('--upload-grace-s <seconds>', 'time an upload has before the minimum rate applies')
        .default(10)
        .argParser(nonNegativeNumber),
    )
    .addOption(
      new Option(
        '--request-timeout-s <seconds>',
        'processing limit per request before 504 (longer for long audio, at the measured processing rate)',
      )
        .default(120)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option(
        '--api-key <key>',
        'require Authorization: Bearer <key> on every endpoint but /health (prefer the variable: arguments show in ps)',
      ).env('AMANUENSIS_API_KEY'),
    )
    .addOption(
      new Option(
        '--inject-delay <SPAN=MS[@FRACTION]>',
        'add MS ms inside stage span SPAN for a deterministic FRACTION (default 1) of requests; repeatable',
      )
        .default([])
        .argParser(injectDelay),
    );
}

/** Adds the listener and output options only `serve` has (`profile` binds a free loopback port and writes its own run folder). */
function addListenOptions(command: Command): Command {
  return addSummaryFileOptions(
    command
      .addOption(new Option('--host <host>', 'address to bind (use 0.0.0.0 in a container)').default('127.0.0.1'))
      .addOption(new Option('--port <port>', 'port to listen on (0 picks a free one)').default(8080).argParser(port)),
  ).addOption(new Option('--quiet', 'print only the listening line').default(false));
}

/** The `serve` command. */
export function serveCommand(): Command {
  return addServiceOptions(
    addListenOptions(
      new Command('serve').description('run the OpenAI-compatible transcription service, traced with OpenTelemetry'),
    ),
  ).action(async (options: ServeOptions) => {
    const { runServe } = await import('./serve-run.ts');
    await runServe(options);
  });
}
