/**
 * Realistic run documents for the report tests, made by the project's own code: spans with
 * simulated stage timings (the service's span tree, Whisper-like proportions) go through the real
 * RollupSpanProcessor, and the standard suite's scenarios are recorded with the load generator's
 * ScenarioStats, scenarioResult and stageBreakdown. Only the clock is simulated (deterministic), and
 * with it the resources' busy time.
 */
import { context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { mulberry32 } from '../../src/core/random.ts';
import { type LoadResults, scalingEfficiency, scenarioResult } from '../../src/loadgen/results.ts';
import { ScenarioStats } from '../../src/loadgen/scenario-stats.ts';
import { stageBreakdown } from '../../src/loadgen/stage-diff.ts';
import { suiteScenarios } from '../../src/loadgen/suites.ts';
import type { LabelledRun } from '../../src/report/input.ts';
import type { ResourceEntry } from '../../src/rollup/document.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { SPAN } from '../../src/telemetry/names.ts';

type Offload = 'fused' | 'matmul';
interface Stage {
  name: string;
  ms: number;
  children?: Stage[];
}

/** One request's stage tree: times grow with audio seconds; matmul offload moves weights every launch. */
function requestStages(
  audioS: number,
  speech: boolean,
  offload: Offload,
  queueMs: number,
  jitter: () => number,
): Stage {
  const j = (ms: number): number => ms * jitter();
  const npu =
    offload === 'fused'
      ? { transfer: 1.5 * audioS, kernel: 6 * audioS, retrieval: 0.5 * audioS }
      : { transfer: 9 * audioS, kernel: 8 * audioS, retrieval: 3 * audioS };
  const tokens = speech ? 10 * audioS : 1;
  return {
    name: SPAN.TRANSCRIBE,
    ms: j(0.2),
    children: [
      { name: SPAN.AUDIO_DECODE, ms: j(0.3 + 0.05 * audioS) },
      {
        name: SPAN.MEL,
        ms: j(0.2),
        children: [
          { name: SPAN.MEL_FFT, ms: j(1.2 * audioS) },
          { name: SPAN.MEL_LOG_MEL, ms: j(0.6 * audioS) },
          { name: SPAN.MEL_NORMALIZE, ms: j(0.1 * audioS) },
        ],
      },
      {
        name: SPAN.ENCODER,
        ms: j(0.5),
        children: [
          { name: SPAN.NPU_QUEUE_WAIT, ms: j(0.1) + queueMs },
          { name: SPAN.NPU_BUFFER_TRANSFER, ms: j(npu.transfer) },
          { name: SPAN.NPU_KERNEL_EXECUTION, ms: j(npu.kernel) },
          { name: SPAN.NPU_RESULT_RETRIEVAL, ms: j(npu.retrieval) },
        ],
      },
      {
        name: SPAN.DECODER,
        ms: j(0.3),
        children: [
          { name: SPAN.DECODER_ATTENTION, ms: j(speech ? 4 * audioS : 0.5) },
          { name: SPAN.DECODER_TOKEN_GENERATION, ms: j(tokens) },
          { name: SPAN.DECODER_POST_PROCESSING, ms: j(0.4) },
        ],
      },
    ],
  };
}

/** Total time of a stage: its own time plus its children, which run one after another. */
function duration(stage: Stage): number {
  return stage.ms + (stage.children ?? []).reduce((sum, child) => sum + duration(child), 0);
}

/** Emits the stage tree as spans from `startMs` (epoch ms); returns the trace id. */
function emit(tracer: Tracer, stages: Stage, startMs: number): string {
  const server = tracer.startSpan('POST /v1/audio/transcriptions', { kind: SpanKind.SERVER, startTime: startMs });
  const visit = (stage: Stage, parent: Span, atMs: number): number => {
    const span = tracer.startSpan(stage.name, { startTime: atMs }, trace.setSpan(context.active(), parent));
    let cursor = atMs + stage.ms / 2;
    for (const child of stage.children ?? []) cursor = visit(child, span, cursor);
    const end = atMs + duration(stage);
    span.end(end);
    return end;
  };
  const end = visit(stages, server, startMs + 0.8);
  server.end(end + 0.7);
  return server.spanContext().traceId;
}

const AUDIO_S: Record<string, number> = { '1s': 1, '5s': 5, silence: 1 };

/** Busy and waiting time of a scenario, summed over its requests (ms). */
interface Work {
  windowMs: number;
  pipelineMs: number;
  npuMs: number;
  inFlightMs: number;
  waitingMs: number;
}

const NPU_PHASES: readonly string[] = [SPAN.NPU_BUFFER_TRANSFER, SPAN.NPU_KERNEL_EXECUTION, SPAN.NPU_RESULT_RETRIEVAL];

function npuMs(stage: Stage): number {
  return (
    (NPU_PHASES.includes(stage.name) ? stage.ms : 0) +
    (stage.children ?? []).reduce((sum, child) => sum + npuMs(child), 0)
  );
}

/**
 * The resources as the service would meter them over `work`'s window: three pipeline threads
 * (busy for a request's stages; saturated once streams outnumber them, which is why the
 * simulated waiting grows), four NPU columns, sixteen admission slots. The fixture's clock is
 * simulated, so these come from its sums rather than from a ResourceMeter.
 */
function resources(work: Work): ResourceEntry[] {
  const entry = (name: string, capacity: number, busyMs: number, queueMs: number): ResourceEntry => {
    const busy = Math.min(busyMs, capacity * work.windowMs);
    const queueMean = queueMs / work.windowMs;
    return {
      name,
      capacity,
      utilization: busy / capacity / work.windowMs,
      busy_ms: busy,
      window_ms: work.windowMs,
      queue_mean: queueMean,
      queue_max: Math.ceil(queueMean * 2),
      in_use: 0,
      queued: 0,
    };
  };
  return [
    entry('worker_pool', 3, work.pipelineMs, work.waitingMs),
    entry('npu_columns', 4, work.npuMs, 0),
    entry('admission', 16, work.inFlightMs, 0),
  ];
}

function addWork(a: Work, b: Work): Work {
  return {
    windowMs: a.windowMs + b.windowMs,
    pipelineMs: a.pipelineMs + b.pipelineMs,
    npuMs: a.npuMs + b.npuMs,
    inFlightMs: a.inFlightMs + b.inFlightMs,
    waitingMs: a.waitingMs + b.waitingMs,
  };
}

/** A whole standard-suite run (summary and load results) with the given offload. */
export function realisticRun(offload: Offload, seed = 1): LabelledRun {
  const random = mulberry32(seed);
  const jitter = (): number => 0.85 + 0.3 * random();
  const processor = new RollupSpanProcessor({ serviceName: 'amanuensis' });
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('report-fixture');
  let clockMs = Date.UTC(2026, 10, 3, 9, 0, 0);
  const startedAt = new Date(clockMs).toISOString();
  let total: Work = { windowMs: 0, pipelineMs: 0, npuMs: 0, inFlightMs: 0, waitingMs: 0 };
  const scenarios = suiteScenarios('standard').map((spec) => {
    const work: Work = { windowMs: 0, pipelineMs: 0, npuMs: 0, inFlightMs: 0, waitingMs: 0 };
    const before = processor.summary();
    const stats = new ScenarioStats();
    const streams = spec.streams ?? 1;
    let busyMs = 0;
    for (let i = 0; i < (spec.requests ?? 0); i++) {
      const name = spec.audio.kind === 'builtin' ? spec.audio.name : '1s';
      const clip = name === 'mixed' ? (i % 2 === 0 ? '1s' : '5s') : name;
      const audioS = AUDIO_S[clip] ?? 1;
      const outlier = i === 3 ? 4 : 1;
      const stages = requestStages(
        audioS,
        clip !== 'silence',
        offload,
        (streams - 1) * 1.8 * random() * outlier,
        jitter,
      );
      const traceId = emit(tracer, stages, clockMs);
      const latencyMs = duration(stages) + 1.5 + (streams - 1) * 0.4 * duration(stages) * random();
      const sent = busyMs;
      stats.record({
        ok: true,
        failure: undefined,
        intendedAtMs: sent,
        sentAtMs: sent,
        headersAtMs: sent + latencyMs - 0.2,
        endAtMs: sent + latencyMs,
        audioS,
        traceId,
        traceResponse: undefined,
      });
      busyMs += latencyMs / streams;
      clockMs += 1 + latencyMs / streams;
      work.pipelineMs += duration(stages);
      work.npuMs += npuMs(stages);
      work.inFlightMs += latencyMs;
      work.waitingMs += latencyMs - duration(stages);
    }
    work.windowMs = busyMs;
    total = addWork(total, work);
    const after = processor.summary();
    const breakdown = stageBreakdown(before, after);
    if (breakdown) breakdown.resources = resources(work);
    return scenarioResult(
      { spec, stats, wallS: busyMs / 1000, eventLoopDelayP99Ms: 1.2, eventLoopDelayMaxMs: 3.4 },
      breakdown ?? null,
    );
  });
  const load: LoadResults = {
    schema_version: 1,
    target: 'http://127.0.0.1:43117',
    started_at: startedAt,
    finished_at: new Date(clockMs).toISOString(),
    suite: 'standard',
    client: { trace: true, timeout_s: 60 },
    scenarios,
    scaling_efficiency: scalingEfficiency(scenarios),
    thresholds: [],
  };
  return { label: offload, summary: { ...processor.summary(), resources: resources(total) }, load };
}
