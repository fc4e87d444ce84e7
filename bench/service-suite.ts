/**
 * The service on the simulated NPU, for the record: scaling efficiency from 4 to 8 streams
 * (repeated in alternating order, so drift does not favour one side) and a load suite's
 * throughput per scenario. One service child process with 8+ columns serves both; it traces at
 * the default detail and exports to a discarding OTLP sink, as deployed.
 */
import { startChildService } from '../src/cli/child-service.ts';
import type { LoadResults } from '../src/loadgen/results.ts';
import { runSuite } from '../src/loadgen/run-load.ts';
import type { SuiteName } from '../src/loadgen/suites.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { closedLoad, runClosed } from './service-load.ts';

export interface ServiceBenchOptions {
  /** npu-sim columns (8 or more: an XDNA2-class NPU's worth, so columns are not what saturates first). */
  columns: number;
  /** 4-then-8 (or 8-then-4) pairs. */
  rounds: number;
  /** Measured requests per stream in each scaling run (4 streams x n, 8 streams x n). */
  requestsPerStream: number;
  suite: SuiteName;
  log?: (line: string) => void;
}

export interface ServiceBenchResult {
  /** Per round: (rtf at 8 streams / rtf at 4 streams) / 2. */
  scalingEfficiency: number[];
  rtf4: number[];
  rtf8: number[];
  suite: LoadResults;
  failedRequests: number;
}

/** (rtf8 / rtf4) / 2: 1 when doubling the streams doubles the throughput. */
export function scalingEfficiency(rtf4: number, rtf8: number): number {
  if (rtf4 <= 0) throw new Error('no throughput at 4 streams');
  return rtf8 / rtf4 / 2;
}

export async function measureService(options: ServiceBenchOptions): Promise<ServiceBenchResult> {
  const log = options.log ?? (() => {});
  const sink = await startOtlpSink();
  try {
    const service = await startChildService(['--device', 'npu-sim', '--columns', String(options.columns), '--quiet'], {
      OTEL_SDK_DISABLED: 'false',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.tracesUrl('npu-sim'),
    });
    try {
      await runClosed(closedLoad(service.url, 4, 4, '1s'));
      const rtf4: number[] = [];
      const rtf8: number[] = [];
      let failedRequests = 0;
      for (let round = 0; round < options.rounds; round++) {
        for (const streams of round % 2 === 0 ? [4, 8] : [8, 4]) {
          const result = await runClosed(closedLoad(service.url, streams, streams * options.requestsPerStream, '1s'));
          (streams === 4 ? rtf4 : rtf8).push(result.throughput_rtf ?? NaN);
          failedRequests += result.failed;
          log(
            `scaling round ${round + 1}, ${streams} streams: ${(result.throughput_rtf ?? NaN).toFixed(2)}x realtime, ${result.succeeded}/${result.requests} ok`,
          );
        }
      }
      const suite = await runSuite({ url: service.url, suite: options.suite, trace: false });
      failedRequests += suite.scenarios.reduce((sum, s) => sum + s.failed, 0);
      log(`${options.suite} suite: ${suite.scenarios.map((s) => `${s.name} ${s.throughput_rtf}x`).join(', ')}`);
      return {
        scalingEfficiency: rtf4.map((r, i) => scalingEfficiency(r, rtf8[i]!)),
        rtf4,
        rtf8,
        suite,
        failedRequests,
      };
    } finally {
      await service.stop();
    }
  } finally {
    await sink.close();
  }
}
