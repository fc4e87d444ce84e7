/**
 * The services of the tracing benchmark: three `--device cpu` service child processes that differ
 * only in tracing -- off (OTEL_SDK_DISABLED=true), `--detail medium`, `--detail fine` -- the
 * traced ones exporting for real (OTLP/HTTP protobuf) to a discarding sink in its own process,
 * each to its own path so the sink's counts prove the export ran. A run drives one service with
 * the load generator library and records the CPU it and everything else used meanwhile.
 */

import type { OffloadMode } from '../src/accelerator/device.ts';
import type { ChildService } from '../src/cli/child-service.ts';
import { startChildService } from '../src/cli/child-service.ts';
import type { ScenarioResult } from '../src/loadgen/results.ts';
import { HEALTH_PATH } from '../src/telemetry/names.ts';
import { type SinkCounts, startOtlpSink } from './otlp-sink.ts';
import { closedLoad, machineBusySeconds, mainThreadCpuSeconds, processCpuSeconds, runClosed } from './service-load.ts';

export const TRACING_CONFIGS = ['off', 'medium', 'fine'] as const;
export type TracingConfig = (typeof TRACING_CONFIGS)[number];

/** A 1 s batch delay exports each run's spans during that run, not during a neighbour's. */
const BATCH_DELAY_MILLIS = '1000';

export interface TracingServices {
  services: Record<TracingConfig, ChildService>;
  /** Export requests and bytes the sink has received from each traced service. */
  exported(): Promise<Record<string, SinkCounts>>;
  /** Spans each traced service dropped (from /health): drops would hide export cost. */
  droppedSpans(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Starts the sink and the three services, and warms each (JIT, worker threads, connections). */
export async function startTracingServices(offload: OffloadMode): Promise<TracingServices> {
  const sink = await startOtlpSink();
  const base = ['--device', 'cpu', '--offload', offload, '--quiet'];
  const traced = (name: string): Record<string, string> => ({
    OTEL_SDK_DISABLED: 'false',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.tracesUrl(name),
    OTEL_BSP_SCHEDULE_DELAY: BATCH_DELAY_MILLIS,
  });
  const started = await Promise.allSettled([
    startChildService([...base, '--detail', 'medium'], { OTEL_SDK_DISABLED: 'true' }),
    startChildService([...base, '--detail', 'medium'], traced('medium')),
    startChildService([...base, '--detail', 'fine'], traced('fine')),
  ]);
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    await sink.close();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const [off, medium, fine] = started.map((s) => (s as PromiseFulfilledResult<ChildService>).value) as [
    ChildService,
    ChildService,
    ChildService,
  ];
  const services = { off, medium, fine };
  try {
    for (const config of TRACING_CONFIGS) await runClosed(closedLoad(services[config].url, 2, 2, '1s'));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const dropped = async (service: ChildService): Promise<number> =>
    ((await (await fetch(`${service.url}${HEALTH_PATH}`)).json()) as { dropped_spans?: number }).dropped_spans ?? 0;
  return {
    services,
    exported: () => sink.counts(),
    droppedSpans: async () => ({ medium: await dropped(medium), fine: await dropped(fine) }),
    // SIGTERM drains: the traced services flush their last batch to the sink before it closes.
    stop: stopAll,
  };
}

export interface RunMeasurement {
  result: ScenarioResult;
  /** Service CPU seconds (all its threads) per request; NaN without /proc. */
  cpuPerRequest: number;
  /** The main thread's share of that (spans, export, HTTP), per request. */
  mainThreadCpuPerRequest: number;
  serviceCpuS: number;
  wallS: number;
}

/** One run of `requests` 1 s clips over `streams` streams against `service`, with the CPU the service used. */
export async function measureRun(service: ChildService, streams: number, requests: number): Promise<RunMeasurement> {
  const pid = service.child.pid!;
  const cpuBefore = processCpuSeconds(pid) ?? NaN;
  const mainBefore = mainThreadCpuSeconds(pid) ?? NaN;
  const at = performance.now();
  const result = await runClosed(closedLoad(service.url, streams, requests, '1s'));
  const serviceCpuS = (processCpuSeconds(pid) ?? NaN) - cpuBefore;
  const mainCpuS = (mainThreadCpuSeconds(pid) ?? NaN) - mainBefore;
  // The load run's preflight is one more request, the same for every configuration.
  const counted = result.requests + 1;
  return {
    result,
    cpuPerRequest: serviceCpuS / counted,
    mainThreadCpuPerRequest: mainCpuS / counted,
    serviceCpuS,
    wallS: (performance.now() - at) / 1000,
  };
}

/**
 * Runs `fn` and returns how many cores' worth of CPU processes other than this one and
 * `ownCpuS()` (the services measured) used meanwhile: 0 on a quiet machine.
 */
export async function withForeignLoad<T>(
  fn: () => Promise<T>,
  ownCpuS: (result: T) => number,
): Promise<{ result: T; foreignCores: number }> {
  const machineBefore = machineBusySeconds() ?? NaN;
  const selfBefore = process.cpuUsage();
  const at = performance.now();
  const result = await fn();
  const self = process.cpuUsage(selfBefore);
  const machineS = (machineBusySeconds() ?? NaN) - machineBefore;
  const wallS = (performance.now() - at) / 1000;
  return { result, foreignCores: Math.max(0, (machineS - ownCpuS(result) - (self.user + self.system) / 1e6) / wallS) };
}
