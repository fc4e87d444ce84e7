/**
 * Each measurement of the run as a step that returns its rows: the row keys, goals and anchors that
 * docs/benchmarks.md lists, the repeats as samples, and what a reader needs to judge them as details. In-process
 * micro-benchmarks come first, while no child process competes for the CPU.
 */
import { measureAttribution } from './attribution.ts';
import { measureCollectIngest, measureOverload, type OverloadResult, startCollectProcess } from './collect.ts';
import { measureLoadgenVsAutocannon } from './loadgen.ts';
import { measureMel } from './mel.ts';
import { measureMemory } from './memory.ts';
import type { BenchPlan } from './plan.ts';
import type { Row } from './report.ts';
import { measureAccuracy, measureAmortizedCost, measureHeapGrowth, measureProcessorOverhead } from './rollup.ts';
import { measureService } from './service-suite.ts';
import { measureShortUnderLong } from './short-under-long.ts';
import { median, summarize } from './stats.ts';
import { mainThreadCost, measureTracingCost, type PhaseResult } from './tracing.ts';

export interface StepContext {
  plan: BenchPlan;
  log: (line: string) => void;
  /** Seconds left in the run's budget. */
  remainingS: () => number;
}

export interface Step {
  name: string;
  run: (context: StepContext) => Promise<Row[]>;
}

const round = (value: number, digits = 4): number => Number(value.toFixed(digits));

async function repeat<T>(times: number, fn: () => T | Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await fn());
  return results;
}

const overhead: Step = {
  name: 'span processor overhead',
  async run({ plan }) {
    const runs = await repeat(plan.overhead.repeats, () => measureProcessorOverhead({ pairs: plan.overhead.pairs }));
    // Its chunks hold five times the trees of the overhead's, so a fifth of the pairs spans as many spans.
    const amortizedPairs = Math.max(1, Math.round(plan.overhead.pairs / 5));
    const amortized = await repeat(plan.overhead.repeats, () => measureAmortizedCost({ pairs: amortizedPairs }));
    return [
      {
        key: 'span_processor.overhead_ratio',
        unit: 'ratio',
        goal: { op: '<=', target: 0.05 },
        anchor: 'SDK cost per span, BatchSpanProcessor + discarding exporter, same process, interleaved chunks',
        samples: runs.map((r) => r.overheadRatio),
        details: {
          pairs_per_repeat: plan.overhead.pairs,
          sdk_ns_per_span: round(median(runs.map((r) => r.sdkNsPerSpan)), 1),
          processor_ns_per_span: round(median(runs.map((r) => r.processorNsPerSpan)), 1),
          bare_spans_overhead_ratio: round(median(runs.map((r) => r.bareOverheadRatio))),
          bare_sdk_ns_per_span: round(median(runs.map((r) => r.bareSdkNsPerSpan)), 1),
        },
      },
      {
        key: 'span_processor.amortized_ratio',
        unit: 'ratio',
        goal: null,
        anchor:
          'the same as overhead_ratio, but chunks of 200 trees ending in forceFlush: the batched aggregation included',
        samples: amortized.map((r) => r.amortizedRatio),
        details: {
          pairs_per_repeat: amortizedPairs,
          sdk_ns_per_span: round(median(amortized.map((r) => r.sdkNsPerSpan)), 1),
          processor_ns_per_span: round(median(amortized.map((r) => r.processorNsPerSpan)), 1),
        },
      },
    ];
  },
};

const mel: Step = {
  name: 'log-mel',
  async run({ plan }) {
    const runs = await repeat(plan.mel.repeats, () =>
      measureMel({ repeats: plan.mel.innerRepeats, durationS: plan.mel.durationS }),
    );
    return [
      {
        key: 'mel.ratio_to_fft_floor',
        unit: 'ratio',
        goal: { op: '<=', target: 2.5 },
        anchor: `bare fft.js 512-point real transform over the same ${plan.mel.durationS * 100} frames (${plan.mel.durationS} s), paired back to back`,
        samples: runs.map((r) => r.ratioToFftFloor),
        details: {
          inner_pairs_per_repeat: plan.mel.innerRepeats,
          mel_ms: round(median(runs.map((r) => r.melMs)), 2),
          fft_floor_ms: round(median(runs.map((r) => r.fftFloorMs)), 2),
        },
      },
      {
        key: 'mel.max_abs_error',
        unit: 'abs',
        goal: { op: '<=', target: 1e-4 },
        anchor: 'plain float64 log-mel of the same formula (test/audio/mel-reference.ts), deterministic',
        samples: runs.map((r) => r.maxAbsError),
      },
    ];
  },
};

const rollup: Step = {
  name: 'rollup accuracy and heap',
  async run({ plan }) {
    const accuracy = measureAccuracy({ values: plan.accuracy.values });
    const heap = await repeat(plan.heap.repeats, () => measureHeapGrowth({ spans: plan.heap.spans }));
    return [
      {
        key: 'rollup.max_relative_error',
        unit: 'ratio',
        goal: { op: '<=', target: 0.01 },
        anchor: `exact p50/p90/p95/p99/p99.9 of the same ${plan.accuracy.values} heavy-tailed values (seeded: one run is every run)`,
        samples: [accuracy.maxRelativeError],
      },
      {
        key: 'rollup.heap_growth_bytes',
        unit: 'bytes',
        goal: { op: '<=', target: 2e6 },
        anchor: `heap after warm-up and full GCs, before vs after ${plan.heap.spans} spans over 20 names`,
        samples: heap.map((h) => h.heapGrowthBytes),
      },
    ];
  },
};

/** The memory bound `collect` keeps under overload (docs/collect.md, Bounds), in MB of RSS. */
const COLLECT_RSS_BOUND_MB = 1024;

const collect: Step = {
  name: 'collect ingest and memory bound',
  async run({ plan }) {
    const ingest = await measureCollectIngest({ exports: plan.collect.exports, rounds: plan.collect.rounds });
    const receiver = await startCollectProcess();
    let overload: OverloadResult;
    try {
      overload = await measureOverload(receiver, { seconds: plan.collect.overloadS, connections: 48 });
    } finally {
      await receiver.close();
    }
    return [
      {
        key: 'collect.ingest_ratio_to_decode',
        unit: 'ratio',
        goal: { op: '>=', target: 0.5 },
        anchor:
          'spans per CPU second of a bare protobufjs decode (official OTLP definitions) of the same exports of 512 spans; the receiver in its own process, OTLP/HTTP protobuf over 8 connections, every trace rolled up',
        samples: ingest.ratios,
        details: {
          exports_per_round: plan.collect.exports,
          ingest_spans_per_cpu_s: Math.round(ingest.ingestSpansPerCpuS),
          ingest_spans_per_wall_s: Math.round(ingest.ingestSpansPerWallS),
          decode_spans_per_cpu_s: Math.round(ingest.decodeSpansPerCpuS),
        },
      },
      {
        key: 'collect.overload_peak_rss_mb',
        unit: 'MB',
        goal: { op: '<=', target: COLLECT_RSS_BOUND_MB },
        anchor: `the receiver's RSS at its highest (sampled every 250 ms) while 48 connections send new traces as fast as it takes or refuses them, ${plan.collect.overloadS} s, default bounds`,
        samples: [round(overload.peakRssBytes / 1e6, 1)],
        details: {
          base_rss_mb: round(overload.baseRssBytes / 1e6, 1),
          offered_spans_per_s: Math.round(overload.offeredSpansPerS),
          accepted_spans_per_s: Math.round(overload.acceptedSpansPerS),
          refused_exports: overload.refusedExports,
          peak_waiting_spans: overload.peakWaitingSpans,
        },
      },
    ];
  },
};

const loadgen: Step = {
  name: 'load generator vs autocannon',
  async run({ plan }) {
    const { repeats, durationS, connections } = plan.loadgen;
    const runs = await repeat(repeats, () => measureLoadgenVsAutocannon({ durationS, connections }));
    return [
      {
        key: 'loadgen.ratio_to_autocannon',
        unit: 'ratio',
        goal: { op: '>=', target: 0.9 },
        anchor: `autocannon's requests/s, same trivial 127.0.0.1 server, ${connections} connections, ${durationS} s runs in alternating pairs (bench/loadgen.ts)`,
        samples: runs.map((r) => r.ratio),
        details: {
          duration_s: durationS,
          ours_rps: runs.map((r) => r.ours_rps),
          autocannon_rps: runs.map((r) => r.autocannon_rps),
          client_event_loop_p99_ms: runs.map((r) => r.client_event_loop_p99_ms),
        },
      },
    ];
  },
};

const service: Step = {
  name: 'service on npu-sim',
  async run({ plan, log }) {
    const { columns, rounds, requestsPerStream, suite } = plan.service;
    const result = await measureService({ columns, rounds, requestsPerStream, suite, log });
    const rows: Row[] = [
      {
        key: 'service.scaling_efficiency',
        unit: 'ratio',
        goal: null,
        anchor: `4-stream throughput of the same npu-sim service (--columns ${columns}, 1 s clips): (rtf8 / rtf4) / 2, ideal 1`,
        samples: result.scalingEfficiency,
        details: {
          rtf_4_streams: result.rtf4,
          rtf_8_streams: result.rtf8,
          requests_per_stream: requestsPerStream,
          suite_scaling_efficiency: result.suite.scaling_efficiency,
          failed_requests: result.failedRequests,
        },
      },
    ];
    for (const scenario of result.suite.scenarios) {
      rows.push({
        key: `suite.${suite}.throughput_rtf.${scenario.name}`,
        unit: 'x realtime',
        goal: null,
        anchor: `audio s / wall s of the ${suite} suite's scenario (one run, for the record)`,
        samples: [scenario.throughput_rtf ?? NaN],
        details: {
          requests: scenario.requests,
          failed: scenario.failed,
          latency_p50_ms: scenario.latency_ms.p50,
          latency_p99_ms: scenario.latency_ms.p99,
        },
      });
    }
    return rows;
  },
};

const attribution: Step = {
  name: 'unattributed time on npu-sim',
  async run({ plan, log }) {
    const { columns, suite } = plan.service;
    const results = await measureAttribution({ columns, suite, details: ['medium', 'fine'], log });
    const worst = results.reduce((a, b) => (b.share_p99 > a.share_p99 ? b : a));
    return [
      {
        key: 'service.unattributed_share_p99',
        unit: 'ratio',
        goal: { op: '<=', target: 0.05 },
        anchor: `the SERVER span's duration: p99 over a scenario's requests of the time no leaf span covers / the request, computed from the exported OTLP spans; the worst scenario of the ${suite} suite at medium and fine (--columns ${columns})`,
        samples: [worst.share_p99],
        details: {
          worst: `${worst.detail}, ${worst.scenario}`,
          scenarios: results.map((r) => ({ ...r, share_p50: round(r.share_p50), share_p99: round(r.share_p99) })),
        },
      },
    ];
  },
};

function rounded(values: Record<string, number[]>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(values).map(([config, list]) => [config, list.map((v) => round(v, 3))]));
}

function phaseDetails(phase: PhaseResult): Record<string, unknown> {
  return {
    rounds: phase.rounds,
    rtf: phase.rtf,
    cpu_s_per_request: rounded(phase.cpuSecondsPerRequest),
    main_thread_cpu_ms_per_request: rounded(
      Object.fromEntries(
        Object.entries(phase.mainThreadCpuSecondsPerRequest).map(([config, list]) => [
          config,
          list.map((v) => v * 1000),
        ]),
      ),
    ),
    other_processes_cores: phase.foreignCores.map((v) => round(v, 3)),
  };
}

const tracing: Step = {
  name: 'tracing cost on a CPU-bound service',
  async run({ plan, log, remainingS }) {
    const { streams, requests, offload, concurrentShare } = plan.tracing;
    const remaining = remainingS();
    const result = await measureTracingCost({
      streams,
      requests,
      offload,
      concurrent: { ...plan.tracing.concurrent, endByS: remaining * concurrentShare },
      sequential: { ...plan.tracing.sequential, endByS: remaining },
      log,
    });
    const shape = `--device cpu --offload ${offload}, ${streams} streams x ${requests} 1 s clips per service and round`;
    const details = {
      concurrent: phaseDetails(result.concurrent),
      sequential: phaseDetails(result.sequential),
      // The anchor's own movement across rounds: the machine's noise, before pairing cancels the common part.
      sequential_untraced_rtf_relative_spread: round(summarize(result.sequential.rtf.off).relativeSpread),
      exported_to_sink: result.exported,
      dropped_spans: result.droppedSpans,
      failed_requests: result.failedRequests,
      elapsed_s: round(result.elapsedS, 1),
    };
    const concurrentAnchor = `the untraced service (OTEL_SDK_DISABLED=true) running at the same time: its CPU s per request / the traced one's; ${shape}`;
    const mainAnchor =
      "main-thread CPU per request the traced service adds over the untraced one (spans, rollups, export), / the untraced service's total CPU per request; concurrent rounds";
    const sequentialAnchor = `the untraced service's throughput_rtf in the same rotated round (services taking turns); ${shape}`;
    return [
      {
        key: 'tracing.throughput_ratio_medium',
        unit: 'ratio',
        goal: { op: '>=', target: 0.98 },
        anchor: concurrentAnchor,
        samples: result.concurrent.ratioMedium,
        details,
      },
      {
        key: 'tracing.throughput_ratio_fine',
        unit: 'ratio',
        goal: { op: '>=', target: 0.95 },
        anchor: concurrentAnchor,
        samples: result.concurrent.ratioFine,
      },
      {
        key: 'tracing.main_thread_cost_medium',
        unit: 'ratio',
        goal: null,
        anchor: mainAnchor,
        samples: mainThreadCost(result.concurrent, 'medium'),
      },
      {
        key: 'tracing.main_thread_cost_fine',
        unit: 'ratio',
        goal: null,
        anchor: mainAnchor,
        samples: mainThreadCost(result.concurrent, 'fine'),
      },
      {
        key: 'tracing.wall_throughput_ratio_medium',
        unit: 'ratio',
        goal: null,
        anchor: sequentialAnchor,
        samples: result.sequential.ratioMedium,
      },
      {
        key: 'tracing.wall_throughput_ratio_fine',
        unit: 'ratio',
        goal: null,
        anchor: sequentialAnchor,
        samples: result.sequential.ratioFine,
      },
    ];
  },
};

/** Every step, in run order: in-process first, then child processes, the time-boxed tracing last. */
const shortUnderLong: Step = {
  name: 'short request beside long uploads',
  async run({ plan, log }) {
    const underLongS = plan.mode === 'quick' ? 30 : 90;
    const result = await measureShortUnderLong({ alone: 5, underLongS, log });
    return [
      {
        key: 'service.short_request_slowdown_under_long',
        unit: 'ratio',
        goal: { op: '<=', target: 2 },
        anchor:
          "the same 1 s request's latency alone, median of 5, same npu-sim service and run (bench/short-under-long.ts)",
        samples: result.slowdowns,
        details: {
          alone_ms: result.aloneMs.map((ms) => round(ms, 1)),
          under_long_ms: result.underLongMs.map((ms) => round(ms, 1)),
          under_long_s: underLongS,
          worst_ratio: round(Math.max(...result.slowdowns)),
        },
      },
    ];
  },
};

const memory: Step = {
  name: 'memory per upload',
  async run({ plan, log }) {
    const seconds = plan.mode === 'quick' ? 120 : 600;
    const uploads = 4;
    const runs = await repeat(3, () => measureMemory({ uploads, seconds, idleMs: 3000, log }));
    return [
      {
        key: 'service.peak_rss_per_upload_ratio',
        unit: 'ratio',
        goal: { op: '<=', target: 10 },
        anchor: `the uploads' size: ${uploads} concurrent ${seconds} s 8 kHz u8 WAVs, peak RSS growth of the warmed service (bench/memory.ts)`,
        samples: runs.map((run) => run.peakRatio),
        details: {
          upload_bytes: runs[0]!.uploadBytes,
          base_rss_mb: runs.map((run) => round(run.baseRssBytes / 1e6, 1)),
          peak_rss_mb: runs.map((run) => round(run.peakRssBytes / 1e6, 1)),
          idle_rss_mb: runs.map((run) => round(run.idleRssBytes / 1e6, 1)),
        },
      },
    ];
  },
};

export const STEPS: readonly Step[] = [
  overhead,
  mel,
  rollup,
  collect,
  loadgen,
  service,
  shortUnderLong,
  memory,
  attribution,
  tracing,
];
