/**
 * Tracing's cost on a CPU-bound service, where it shows most: `--device cpu` (the reference engine's
 * Whisper-base encoder and decoder run in JS on the pool's worker threads), 16 streams of 1 s
 * clips, tracing at `medium` and at `fine` detail against tracing disabled. See
 * tracing-services.ts for the services and the export; two ways of pairing them:
 *
 * - Concurrent rounds (the goal rows): the three services are driven at the same time, each with
 *   16 streams, and each round compares CPU seconds per request, untraced / traced. The services
 *   share the same cores at the same moments, so whatever slows this virtual machine (other
 *   processes, a noisy neighbour on the host) slows all three alike and cancels. Where the CPU is
 *   the bottleneck, throughput = CPU available / CPU per request, so this is the throughput ratio
 *   at equal CPU. (Their wall-clock throughputs would not do: the scheduler shares the cores
 *   between the processes and would hand part of one service's tracing cost to the others.)
 * - Sequential rounds (for the record): the services take turns, one run each per round in a
 *   rotated order, and each round compares wall-clock throughput_rtf, traced / untraced: the
 *   literal throughput ratio, exposed to everything that changes between one run and the next.
 */

import type { OffloadMode } from '../src/accelerator/device.ts';
import type { SinkCounts } from './otlp-sink.ts';
import { pairedRatios, rotation } from './stats.ts';
import {
  measureRun,
  type RunMeasurement,
  startTracingServices,
  TRACING_CONFIGS,
  type TracingConfig,
  withForeignLoad,
} from './tracing-services.ts';

export interface PhaseOptions {
  /** Rounds always run, and the most that run. */
  minRounds: number;
  maxRounds: number;
  /** Seconds after the measurement started (services included) by which the phase should end:
   *  rounds beyond minRounds start only while one more round fits before it. */
  endByS: number;
}

export interface TracingBenchOptions {
  /** Concurrent streams per service (16: enough to keep every core of the pool busy). */
  streams: number;
  /** Requests of one run (one service, one round). */
  requests: number;
  offload: OffloadMode;
  concurrent: PhaseOptions;
  sequential: PhaseOptions;
  /** Progress lines (one per run or round). */
  log?: (line: string) => void;
}

type PerConfig = Record<TracingConfig, number[]>;

export interface PhaseResult {
  /** Per round: the traced configuration against the untraced one (see the file comment). */
  ratioMedium: number[];
  ratioFine: number[];
  rtf: PerConfig;
  cpuSecondsPerRequest: PerConfig;
  /** The main thread's part of it: what tracing adds there is its cost without the compute's noise. */
  mainThreadCpuSecondsPerRequest: PerConfig;
  /** Per round (concurrent) or per run (sequential): cores' worth of CPU other processes used. */
  foreignCores: number[];
  rounds: number;
}

export interface TracingBenchResult {
  concurrent: PhaseResult;
  sequential: PhaseResult;
  exported: Record<string, SinkCounts>;
  droppedSpans: Record<string, number>;
  failedRequests: number;
  elapsedS: number;
}

/**
 * Per round: the main-thread CPU per request that tracing at `config` adds, as a fraction of the
 * untraced service's whole CPU per request. The main thread makes, rolls up and exports the spans
 * while the workers compute, so this is tracing's cost there without the compute's noise.
 */
export function mainThreadCost(
  phase: Pick<PhaseResult, 'cpuSecondsPerRequest' | 'mainThreadCpuSecondsPerRequest'>,
  config: Exclude<TracingConfig, 'off'>,
): number[] {
  const main = phase.mainThreadCpuSecondsPerRequest;
  return phase.cpuSecondsPerRequest.off.map((total, i) => (main[config][i]! - main.off[i]!) / total);
}

const perConfig = (): PerConfig => ({ off: [], medium: [], fine: [] });

/** Calls `round(r)` for r = 0, 1, ... as the phase's options allow; returns how many ran. */
async function runRounds(
  options: PhaseOptions,
  elapsedS: () => number,
  round: (index: number) => Promise<void>,
): Promise<number> {
  let rounds = 0;
  while (rounds < options.maxRounds) {
    const roundStarted = elapsedS();
    await round(rounds);
    rounds++;
    if (rounds >= options.minRounds && elapsedS() + (elapsedS() - roundStarted) > options.endByS) break;
  }
  return rounds;
}

/** Runs both phases on one set of services; every service and the sink are stopped before it returns. */
export async function measureTracingCost(options: TracingBenchOptions): Promise<TracingBenchResult> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const elapsedS = (): number => (performance.now() - started) / 1000;
  const { streams, requests } = options;
  const setup = await startTracingServices(options.offload);
  const { services } = setup;
  let failedRequests = 0;
  const record = (
    phase: { rtf: PerConfig; cpuSecondsPerRequest: PerConfig; mainThreadCpuSecondsPerRequest: PerConfig },
    config: TracingConfig,
    run: RunMeasurement,
  ): void => {
    phase.rtf[config].push(run.result.throughput_rtf ?? NaN);
    phase.cpuSecondsPerRequest[config].push(run.cpuPerRequest);
    phase.mainThreadCpuSecondsPerRequest[config].push(run.mainThreadCpuPerRequest);
    failedRequests += run.result.failed;
  };
  try {
    const concurrent = {
      rtf: perConfig(),
      cpuSecondsPerRequest: perConfig(),
      mainThreadCpuSecondsPerRequest: perConfig(),
      foreignCores: [] as number[],
    };
    const concurrentRounds = await runRounds(options.concurrent, elapsedS, async (round) => {
      const { result: runs, foreignCores } = await withForeignLoad(
        () => Promise.all(TRACING_CONFIGS.map((config) => measureRun(services[config], streams, requests))),
        (all) => all.reduce((sum, run) => sum + run.serviceCpuS, 0),
      );
      runs.forEach((run, i) => {
        record(concurrent, TRACING_CONFIGS[i]!, run);
      });
      concurrent.foreignCores.push(foreignCores);
      const cpu = runs.map((run) => run.cpuPerRequest.toFixed(3)).join(' / ');
      const walls = runs.map((run) => run.wallS.toFixed(1)).join(' / ');
      log(
        `tracing concurrent round ${round + 1}: CPU s per request off / medium / fine ${cpu} (${walls} s), other processes ${foreignCores.toFixed(2)} cores`,
      );
    });

    const sequential = {
      rtf: perConfig(),
      cpuSecondsPerRequest: perConfig(),
      mainThreadCpuSecondsPerRequest: perConfig(),
      foreignCores: [] as number[],
    };
    const sequentialRounds = await runRounds(options.sequential, elapsedS, async (round) => {
      for (const config of rotation(TRACING_CONFIGS, round)) {
        const { result: run, foreignCores } = await withForeignLoad(
          () => measureRun(services[config], streams, requests),
          (r) => r.serviceCpuS,
        );
        record(sequential, config, run);
        sequential.foreignCores.push(foreignCores);
        log(
          `tracing sequential round ${round + 1} ${config}: ${(run.result.throughput_rtf ?? NaN).toFixed(3)}x realtime, ${run.wallS.toFixed(1)} s, other processes ${foreignCores.toFixed(2)} cores`,
        );
      }
    });

    const cpu = concurrent.cpuSecondsPerRequest;
    const rtf = sequential.rtf;
    return {
      concurrent: {
        ...concurrent,
        ratioMedium: pairedRatios(cpu.off, cpu.medium),
        ratioFine: pairedRatios(cpu.off, cpu.fine),
        rounds: concurrentRounds,
      },
      sequential: {
        ...sequential,
        ratioMedium: pairedRatios(rtf.medium, rtf.off),
        ratioFine: pairedRatios(rtf.fine, rtf.off),
        rounds: sequentialRounds,
      },
      exported: await setup.exported(),
      droppedSpans: await setup.droppedSpans(),
      failedRequests,
      elapsedS: elapsedS(),
    };
  } finally {
    await setup.stop();
  }
}
