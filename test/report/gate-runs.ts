/**
 * Made-up but realistic runs for the regression gate's tests: the service's stage tree with
 * per-request jitter goes through the real RollupSpanProcessor, and two scenarios are recorded
 * with the load generator's ScenarioStats and scenarioResult, so both documents carry the
 * per-request samples `compare` reads. A run can be slower as a whole (drift), or carry a planted
 * delay in one stage, as `--inject-delay` plants it.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { mulberry32 } from '../../src/core/random.ts';
import { type LoadResults, scenarioResult } from '../../src/loadgen/results.ts';
import { ScenarioStats } from '../../src/loadgen/scenario-stats.ts';
import { DRIFT } from '../../src/report/gate-noise.ts';
import { NOISE_SCHEMA_VERSION, type NoiseDocument } from '../../src/report/gate-noise-file.ts';
import type { RunDocuments } from '../../src/report/input.ts';
import { RollupSpanProcessor } from '../../src/rollup/processor.ts';
import { SPAN } from '../../src/telemetry/names.ts';

export interface RunShape {
  /** Which jitter the requests get: two runs of one build differ in it. */
  jitter: number;
  /** Every stage's time multiplied by this: a slower host. Default 1. */
  slowdown?: number;
  /** Extra ms in the stage named `plantIn` per request, held like `--inject-delay`. */
  plantMs?: number;
  plantIn?: string;
  /** The multi-stream scenario's client latency multiplied by this (a client-side queue): it alone slower. */
  queueing?: number;
}

interface Stage {
  name: string;
  ms: number;
  children?: Stage[];
}

function stages(shape: RunShape, random: () => number): Stage {
  const slow = shape.slowdown ?? 1;
  const j = (ms: number): number => ms * slow * (0.8 + 0.4 * random());
  const plant = (name: string): number => (shape.plantIn === name ? (shape.plantMs ?? 0) : 0);
  const leaf = (name: string, ms: number): Stage => ({ name, ms: j(ms) + plant(name) });
  return {
    name: SPAN.TRANSCRIBE,
    ms: j(0.3),
    children: [
      leaf(SPAN.AUDIO_DECODE, 3),
      { name: SPAN.MEL, ms: j(0.2), children: [leaf(SPAN.MEL_FFT, 6), leaf(SPAN.MEL_LOG_MEL, 3)] },
      { name: SPAN.ENCODER, ms: j(0.3), children: [leaf(SPAN.NPU_KERNEL_EXECUTION, 10)] },
      leaf(SPAN.WORKER_QUEUE_WAIT, 5),
      {
        name: SPAN.DECODER,
        ms: j(0.3),
        children: [leaf(SPAN.DECODER_ATTENTION, 120), leaf(SPAN.DECODER_TOKEN_GENERATION, 100)],
      },
    ],
  };
}

function total(stage: Stage): number {
  return stage.ms + (stage.children ?? []).reduce((sum, child) => sum + total(child), 0);
}

/** One run: a 1-stream and a 4-stream scenario of 1 s clips, 40 requests each. */
export function gateRun(shape: RunShape): RunDocuments {
  const random = mulberry32(shape.jitter);
  const processor = new RollupSpanProcessor({ serviceName: 'amanuensis' });
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('gate-fixture');
  let clockMs = Date.UTC(2026, 11, 3, 9, 0, 0);
  const emit = (root: Stage, startMs: number): void => {
    const server = tracer.startSpan(SPAN.HTTP_SERVER, { kind: SpanKind.SERVER, startTime: startMs });
    const visit = (stage: Stage, parent: ReturnType<typeof tracer.startSpan>, atMs: number): number => {
      const span = tracer.startSpan(stage.name, { startTime: atMs }, trace.setSpan(context.active(), parent));
      let cursor = atMs + stage.ms;
      for (const child of stage.children ?? []) cursor = visit(child, span, cursor);
      span.end(cursor);
      return cursor;
    };
    server.end(visit(root, server, startMs + 0.5) + 0.5);
  };
  const scenarios = [1, 4].map((streams) => {
    const stats = new ScenarioStats();
    let wallMs = 0;
    for (let i = 0; i < 40; i++) {
      const root = stages(shape, random);
      emit(root, clockMs);
      const queueing = streams > 1 ? (shape.queueing ?? 1) : 1;
      const latencyMs = (total(root) + 1 + (streams - 1) * 0.3 * total(root) * random()) * queueing;
      wallMs += latencyMs / streams;
      clockMs += latencyMs / streams;
      stats.record({
        ok: true,
        failure: undefined,
        intendedAtMs: wallMs - latencyMs,
        sentAtMs: wallMs - latencyMs,
        headersAtMs: wallMs - 0.2,
        endAtMs: wallMs,
        audioS: 1,
        traceId: undefined,
        traceResponse: undefined,
      });
    }
    const spec = {
      name: `${streams === 1 ? 'single' : `${streams}x40`} 1s`,
      model: 'closed' as const,
      streams,
      audio: { kind: 'builtin' as const, name: '1s' as const },
      requests: 40,
      warmup: 0,
    };
    return scenarioResult({ spec, stats, wallS: wallMs / 1000, eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2 }, null);
  });
  const load: LoadResults = {
    schema_version: 1,
    target: 'http://127.0.0.1:43117',
    started_at: new Date(Date.UTC(2026, 11, 3, 9, 0, 0)).toISOString(),
    finished_at: new Date(clockMs).toISOString(),
    suite: null,
    client: { trace: false, timeout_s: 60 },
    scenarios,
    scaling_efficiency: null,
    thresholds: [],
  };
  return { summary: processor.summary(), load };
}

/** The same run as a file written before the load results kept per-request samples. */
export function withoutSamples(run: RunDocuments): RunDocuments {
  const scenarios = run.load.scenarios.map(({ latency_sketch: _sketch, completions: _series, ...rest }) => rest);
  return { summary: run.summary, load: { ...run.load, scenarios } };
}

/** A noise document for a quiet machine (scenarios drifting about ±15 % between runs), the rest built-in. */
export function quietNoise(): NoiseDocument {
  return {
    schema_version: NOISE_SCHEMA_VERSION,
    machine: 'quiet-ci',
    notes: ['made up for the tests'],
    margin: 1.25,
    pairs: [['aa/1', 'aa/2']],
    drift: { ...DRIFT, scenario: { throughput: 0.15, p50: 0.15, p99: 0.2 } },
  };
}
