/**
 * `npm run soak -- --minutes 10`: runs the service under a steady closed-model load (16 streams of
 * 1 s clips by default) and checks that nothing fails and that its memory does not creep: the
 * service's RSS after a warm-up is compared with its RSS at the end.
 *
 * The service runs as a child process (`amanuensis serve`), exporting its spans over OTLP to a
 * local receiver process (`--export receiver`, the default), to nowhere (`none`), or as the
 * environment's OTEL_* variables say (`env`). RSS comes from the service's own /health.
 *
 * Exit codes: 0 no failures and RSS growth under the limit, 1 otherwise, 2 bad usage.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type ChildService, startChildService } from '../src/cli/child-service.ts';
import { parseLoadOptions } from '../src/loadgen/options.ts';
import type { ScenarioResult } from '../src/loadgen/results.ts';
import { runLoad } from '../src/loadgen/run-load.ts';
import { HEALTH_PATH } from '../src/telemetry/names.ts';
import { type Receiver, startReceiver } from '../test/support/otlp-receiver.ts';

const USAGE = `usage: node scripts/soak.ts [--minutes N | --seconds N] [options]
  --minutes N         measured duration in minutes (default 10)
  --seconds N         measured duration in seconds (for short runs)
  --warmup-s N        load before the RSS baseline, seconds (default 60, at most the measured duration)
  --streams N         concurrent streams (default 16)
  --audio KIND        built-in clip: 1s, 5s, mixed, silence (default 1s)
  --max-rss-growth F  largest accepted RSS growth, a fraction (default 0.10)
  --export MODE       receiver | none | env: where the service's spans go (default receiver)
  --out FILE          also write the figures as JSON`;

const SAMPLE_INTERVAL_MS = 5000;

interface Settings {
  measuredS: number;
  warmupS: number;
  streams: number;
  audio: string;
  maxGrowth: number;
  exportMode: 'receiver' | 'none' | 'env';
  out: string | undefined;
}

class UsageProblem extends Error {}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageProblem(`--${name} must be a number above 0, got '${text}'`);
  return n;
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      seconds: { type: 'string' },
      'warmup-s': { type: 'string' },
      streams: { type: 'string' },
      audio: { type: 'string' },
      'max-rss-growth': { type: 'string' },
      export: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.minutes !== undefined && values.seconds !== undefined)
    throw new UsageProblem('--minutes and --seconds are alternatives: give one');
  const measuredS =
    values.seconds !== undefined
      ? positive('seconds', values.seconds, 0)
      : positive('minutes', values.minutes, 10) * 60;
  const exportMode = values.export ?? 'receiver';
  if (exportMode !== 'receiver' && exportMode !== 'none' && exportMode !== 'env')
    throw new UsageProblem(`--export must be receiver, none or env, got '${exportMode}'`);
  const streams = positive('streams', values.streams, 16);
  if (!Number.isInteger(streams)) throw new UsageProblem('--streams must be a whole number');
  return {
    measuredS,
    warmupS: Math.min(positive('warmup-s', values['warmup-s'], 60), measuredS),
    streams,
    audio: values.audio ?? '1s',
    maxGrowth: positive('max-rss-growth', values['max-rss-growth'], 0.1),
    exportMode,
    out: values.out,
  };
}

interface Health {
  rss_bytes: number;
  dropped_spans: number;
}

async function health(url: string): Promise<Health> {
  const response = await fetch(`${url}${HEALTH_PATH}`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()) as Health;
}

async function serviceEnv(
  mode: Settings['exportMode'],
): Promise<{ env: Record<string, string>; receiver: Receiver | undefined }> {
  if (mode === 'none') return { env: { OTEL_TRACES_EXPORTER: 'none' }, receiver: undefined };
  if (mode === 'env') return { env: {}, receiver: undefined };
  const receiver = await startReceiver();
  return {
    env: {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    },
    receiver,
  };
}

/** One closed-model phase of `seconds` at the settings' streams and audio. */
async function phase(url: string, settings: Settings, seconds: number): Promise<ScenarioResult> {
  const options = parseLoadOptions({
    url,
    streams: String(settings.streams),
    duration: String(seconds),
    audio: [settings.audio],
    warmup: '0',
    progress: 'none',
    trace: false,
  });
  const results = await runLoad(options);
  return results.scenarios[0]!;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (value: number | null): string => (value === null ? '-' : `${value.toFixed(0)} ms`);

async function soak(settings: Settings): Promise<boolean> {
  const { env, receiver } = await serviceEnv(settings.exportMode);
  let service: ChildService | undefined;
  try {
    service = await startChildService(['--quiet'], env);
    const url = service.url;
    const samples: Array<{ t_s: number; rss_bytes: number }> = [];
    const started = Date.now();
    const sample = async (): Promise<number> => {
      const rss = (await health(url)).rss_bytes;
      samples.push({ t_s: Math.round((Date.now() - started) / 1000), rss_bytes: rss });
      return rss;
    };
    const sampler = setInterval(() => void sample().catch(() => {}), SAMPLE_INTERVAL_MS);
    let warmup: ScenarioResult;
    let measured: ScenarioResult;
    let baseline: number;
    let end: number;
    try {
      process.stdout.write(
        `soak: warm-up ${settings.warmupS} s, then ${settings.measuredS} s at ${settings.streams} streams of ${settings.audio} audio (spans: ${settings.exportMode})\n`,
      );
      warmup = await phase(url, settings, settings.warmupS);
      baseline = await sample();
      measured = await phase(url, settings, settings.measuredS);
      end = await sample();
    } finally {
      clearInterval(sampler);
    }
    const finalHealth = await health(url);
    const exitCode = await service.stop();
    const failures = warmup.failed + measured.failed;
    const growth = end / baseline - 1;
    const peak = Math.max(...samples.map((s) => s.rss_bytes));
    const figures = {
      streams: settings.streams,
      audio: settings.audio,
      warmup_s: settings.warmupS,
      measured_s: settings.measuredS,
      requests: warmup.requests + measured.requests,
      failures,
      errors: { ...warmup.errors, ...measured.errors },
      measured_requests_per_s: measured.requests_per_s,
      measured_latency_ms: measured.latency_ms,
      rss_baseline_bytes: baseline,
      rss_end_bytes: end,
      rss_peak_bytes: peak,
      rss_growth: growth,
      dropped_spans: finalHealth.dropped_spans,
      service_exit_code: exitCode,
      rss_samples: samples,
    };
    if (settings.out) await writeFile(settings.out, `${JSON.stringify(figures, null, 2)}\n`);
    const ok = failures === 0 && growth < settings.maxGrowth && exitCode === 0;
    process.stdout.write(
      `${[
        `requests   ${figures.requests} (${measured.requests_per_s.toFixed(2)}/s measured), failures ${failures}${failures ? ` ${JSON.stringify(figures.errors)}` : ''}`,
        `latency    p50 ${ms(measured.latency_ms.p50)}, p99 ${ms(measured.latency_ms.p99)}`,
        `rss        after warm-up ${mib(baseline)}, end ${mib(end)}, peak ${mib(peak)}: growth ${(growth * 100).toFixed(1)}% (limit ${(settings.maxGrowth * 100).toFixed(0)}%)`,
        `spans      dropped ${finalHealth.dropped_spans}; service exit code ${exitCode}`,
        ok ? 'soak: PASS' : 'soak: FAIL',
      ].join('\n')}\n`,
    );
    return ok;
  } finally {
    await service?.stop();
    await receiver?.close();
  }
}

try {
  process.exitCode = (await soak(parseSettings(process.argv.slice(2)))) ? 0 : 1;
} catch (error) {
  const usage = error instanceof UsageProblem || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = usage ? 2 : 1;
}
