/**
 * Tracing's cost on service throughput (issue 8): the real service, CPU-bound (`--device cpu`: the
 * reference engine's Whisper-base encoder runs in JS), at 16 streams of 1 s clips, with tracing
 * at `medium` and at `fine` detail against tracing disabled (OTEL_SDK_DISABLED=true).
 *
 * Three services run side by side as child processes, one per configuration, and take turns: each
 * round drives each of them once with the same bounded number of requests, in a rotated order, so
 * a busy minute on a shared machine hits every configuration of that round alike. The ratio of a
 * round is traced throughput / untraced throughput of that round; the row is their median.
 * The traced services export for real: OTLP/HTTP protobuf to a discarding sink in another process
 * (its own path per service, whose counts prove the export ran), with a 1 s batch delay so each
 * run's spans are exported during that run and not during a neighbour's.
 */
import type { ChildService } from '../src/cli/child-service.ts';
import { startChildService } from '../src/cli/child-service.ts';
import { startOtlpSink, type SinkCounts } from './otlp-sink.ts';
import type { ScenarioResult } from '../src/loadgen/report.ts';
import { closedLoad, machineBusySeconds, processCpuSeconds, runClosed } from './service-load.ts';
import { pairedRatios, rotation } from './stats.ts';

export const TRACING_CONFIGS = ['off', 'medium', 'fine'] as const;
export type TracingConfig = (typeof TRACING_CONFIGS)[number];

export interface TracingBenchOptions {
  /** Concurrent streams (the issue: 16). */
  streams: number;
  /** Requests of one run (one configuration, one round). */
  requests: number;
  /** Rounds always run, and the most that run. */
  minRounds: number;
  maxRounds: number;
  /** Rounds beyond minRounds start only while the elapsed time plus one more round fits this budget. */
  budgetS: number;
  offload: 'fused' | 'matmul';
  /** Progress lines (one per run). */
  log?: (line: string) => void;
}

export interface TracingBenchResult {
  /** Per round: traced / untraced throughput_rtf. */
  ratioMedium: number[];
  ratioFine: number[];
  /** Per round and configuration: throughput_rtf, and service CPU seconds per request. */
  rtf: Record<TracingConfig, number[]>;
  cpuSecondsPerRequest: Record<TracingConfig, number[]>;
  /** Per round and configuration: cores' worth of CPU that other processes used during the run (0 on a quiet machine). */
  foreignCores: Record<TracingConfig, number[]>;
  /** Per round: untraced / traced CPU per request (the throughput ratio an unshared machine would show). */
  cpuRatioMedium: number[];
  cpuRatioFine: number[];
  /** Export requests and bytes the sink received from each traced service. */
  exported: Record<string, SinkCounts>;
  /** Spans the traced services dropped (from /health), which would hide export cost. */
  droppedSpans: Record<string, number>;
  failedRequests: number;
  rounds: number;
  elapsedS: number;
}

const BATCH_DELAY_MILLIS = '1000';

async function startServices(offload: TracingBenchOptions['offload'], tracesUrl: (name: string) => string): Promise<Record<TracingConfig, ChildService>> {
  const base = ['--device', 'cpu', '--offload', offload, '--quiet'];
  const traced = (name: string): Record<string, string> => ({
    OTEL_SDK_DISABLED: 'false',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: tracesUrl(name),
    OTEL_BSP_SCHEDULE_DELAY: BATCH_DELAY_MILLIS,
  });
  const [off, medium, fine] = await Promise.all([
    startChildService([...base, '--detail', 'medium'], { OTEL_SDK_DISABLED: 'true' }),
    startChildService([...base, '--detail', 'medium'], traced('medium')),
    startChildService([...base, '--detail', 'fine'], traced('fine')),
  ]);
  return { off, medium, fine };
}

async function droppedSpans(service: ChildService): Promise<number> {
  const health = (await (await fetch(`${service.url}/health`)).json()) as { dropped_spans?: number };
  return health.dropped_spans ?? 0;
}

interface RunMeasurement {
  result: ScenarioResult;
  /** Service CPU seconds per request; NaN without /proc. */
  cpuPerRequest: number;
  foreignCores: number;
}

/** One run against `service`, with the CPU the service, this process and everything else used meanwhile. */
async function measureRun(service: ChildService, streams: number, requests: number): Promise<RunMeasurement> {
  const pid = service.child.pid!;
  const before = { service: processCpuSeconds(pid), machine: machineBusySeconds(), self: process.cpuUsage(), at: performance.now() };
  const result = await runClosed(closedLoad(service.url, streams, requests, '1s'));
  const serviceS = (processCpuSeconds(pid) ?? NaN) - (before.service ?? NaN);
  const machineS = (machineBusySeconds() ?? NaN) - (before.machine ?? NaN);
  const self = process.cpuUsage(before.self);
  const wallS = (performance.now() - before.at) / 1000;
  return {
    result,
    // The load run's preflight is one more request, the same for every configuration.
    cpuPerRequest: serviceS / (result.requests + 1),
    foreignCores: Math.max(0, (machineS - serviceS - (self.user + self.system) / 1e6) / wallS),
  };
}

/** Runs the paired rounds; every service and the sink are stopped before it returns. */
export async function measureTracingThroughput(options: TracingBenchOptions): Promise<TracingBenchResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const sink = await startOtlpSink();
  let services: Record<TracingConfig, ChildService> | undefined;
  try {
    services = await startServices(options.offload, sink.tracesUrl);
    // Warm each service (JIT, worker threads, connections) with a small run outside the measurement.
    for (const config of TRACING_CONFIGS) await runClosed(closedLoad(services[config].url, 2, 2, '1s'));
    const rtf: Record<TracingConfig, number[]> = { off: [], medium: [], fine: [] };
    const cpu: Record<TracingConfig, number[]> = { off: [], medium: [], fine: [] };
    const foreign: Record<TracingConfig, number[]> = { off: [], medium: [], fine: [] };
    let failedRequests = 0;
    let rounds = 0;
    while (rounds < options.maxRounds) {
      const roundStarted = elapsedS();
      for (const config of rotation(TRACING_CONFIGS, rounds)) {
        const run = await measureRun(services[config], options.streams, options.requests);
        const { result } = run;
        rtf[config].push(result.throughput_rtf);
        cpu[config].push(run.cpuPerRequest);
        foreign[config].push(run.foreignCores);
        failedRequests += result.failed;
        log(`tracing round ${rounds + 1} ${config}: ${result.throughput_rtf.toFixed(3)}x realtime, ${result.succeeded}/${result.requests} ok, ${result.wall_s.toFixed(1)} s, other processes ${run.foreignCores.toFixed(2)} cores`);
      }
      rounds++;
      const roundS = elapsedS() - roundStarted;
      if (rounds >= options.minRounds && elapsedS() + roundS > options.budgetS) break;
    }
    const [medium, fine] = await Promise.all([droppedSpans(services.medium), droppedSpans(services.fine)]);
    return {
      ratioMedium: pairedRatios(rtf.medium, rtf.off),
      ratioFine: pairedRatios(rtf.fine, rtf.off),
      rtf,
      cpuSecondsPerRequest: cpu,
      foreignCores: foreign,
      cpuRatioMedium: pairedRatios(cpu.off, cpu.medium),
      cpuRatioFine: pairedRatios(cpu.off, cpu.fine),
      exported: await sink.counts(),
      droppedSpans: { medium, fine },
      failedRequests,
      rounds,
      elapsedS: elapsedS(),
    };
  } finally {
    // SIGTERM drains: the traced services flush their last batch to the sink before it closes.
    if (services) await Promise.all(Object.values(services).map((s) => s.stop()));
    await sink.close();
  }
}
