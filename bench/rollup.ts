/**
 * Rollup benchmarks (called by bench/run.ts; also runnable alone: `node bench/rollup.ts`).
 * Goals, so that rollups can stay on in production: processor cost on the span's path <= 5% of
 * the SDK's own per-span cost with a BatchSpanProcessor; quantile error <= 1% on 1e6 heavy-tailed values; heap growth <= 2 MB after
 * 1e6 spans over 20 names. Recorded beside them: the processor's whole cost, its batched
 * aggregation included (measureAmortizedCost).
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Context, context, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { RollupSpanProcessor } from '../src/rollup/processor.ts';
import { LogHistogram } from '../src/rollup/sketch.ts';
import { exactQuantile, heavyTailed } from '../test/rollup/fixtures.ts';

/** An exporter that accepts and forgets every batch, so only the SDK's own work is timed. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const NAMES = Array.from({ length: 20 }, (_, i) => `stage.${i}`);

/**
 * One request-shaped tree of 6 spans: a root with three children, one of which has two children.
 * `service` makes them the way the service does (stage(): startActiveSpan under the
 * AsyncLocalStorage context manager, two attributes each); otherwise bare startSpan calls with
 * explicit parent contexts and no attributes, the cheapest spans the SDK makes.
 */
function requestTree(tracer: Tracer, i: number, service: boolean): void {
  if (service) {
    tracer.startActiveSpan(NAMES[i % 4]!, { attributes: { [ATTRIBUTE_A]: i, [ATTRIBUTE_B]: 'npu-sim' } }, (root) => {
      for (let c = 0; c < 3; c++) {
        tracer.startActiveSpan(
          NAMES[4 + c]!,
          { attributes: { [ATTRIBUTE_A]: c, [ATTRIBUTE_B]: 'npu-sim' } },
          (child) => {
            if (c === 1) {
              for (let g = 8; g < 10; g++)
                tracer.startActiveSpan(
                  NAMES[g]!,
                  { attributes: { [ATTRIBUTE_A]: g, [ATTRIBUTE_B]: 'npu-sim' } },
                  (span) => span.end(),
                );
            }
            child.end();
          },
        );
      }
      root.end();
    });
    return;
  }
  const root = tracer.startSpan(NAMES[i % 4]!);
  const rootContext: Context = trace.setSpan(context.active(), root);
  for (let c = 0; c < 3; c++) {
    const child = tracer.startSpan(NAMES[4 + c]!, undefined, rootContext);
    if (c === 1) {
      const childContext = trace.setSpan(rootContext, child);
      tracer.startSpan(NAMES[8]!, undefined, childContext).end();
      tracer.startSpan(NAMES[9]!, undefined, childContext).end();
    }
    child.end();
  }
  root.end();
}
const SPANS_PER_TREE = 6;
const ATTRIBUTE_A = 'amanuensis.bench.index';
const ATTRIBUTE_B = 'amanuensis.device';

interface Setup {
  tracer: Tracer;
  provider: TracerProvider;
}

function providerWith(processors: SpanProcessor[]): Setup {
  const provider = new TracerProvider({ spanProcessors: processors });
  return { tracer: provider.getTracer('bench'), provider };
}

/** Times one chunk of request trees; returns ns per span. */
function timeChunk(tracer: Tracer, trees: number, first: number, service: boolean, after?: () => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < trees; i++) requestTree(tracer, first + i, service);
  after?.();
  return Number(process.hrtime.bigint() - start) / (trees * SPANS_PER_TREE);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The same workload with and without the rollup processor, interleaved in small chunks (so a
 * preemption or a GC spoils one pair, which the median then ignores), alternating which runs
 * first. Chunks are small enough for the batch processor to keep up: its export starts on a
 * later tick, so the loop yields between pairs.
 */
async function pairedOverhead(
  plain: Setup,
  withRollup: Setup,
  service: boolean,
  pairs: number,
  chunk: { trees: number; afterWith?: () => void } = { trees: 40 },
): Promise<{ ratio: number; sdkNs: number; addedNs: number }> {
  const chunkTrees = chunk.trees;
  const timeWith = (first: number): number => timeChunk(withRollup.tracer, chunkTrees, first, service, chunk.afterWith);
  const ratios: number[] = [];
  const baseline: number[] = [];
  const added: number[] = [];
  const warmup = Math.ceil(pairs / 10);
  for (let pair = -warmup; pair < pairs; pair++) {
    const first = (pair + warmup) * chunkTrees;
    let without: number;
    let withIt: number;
    if (pair % 2 === 0) {
      without = timeChunk(plain.tracer, chunkTrees, first, service);
      withIt = timeWith(first);
    } else {
      withIt = timeWith(first);
      without = timeChunk(plain.tracer, chunkTrees, first, service);
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (pair < 0) continue;
    ratios.push((withIt - without) / without);
    baseline.push(without);
    added.push(withIt - without);
  }
  return { ratio: median(ratios), sdkNs: median(baseline), addedNs: median(added) };
}

/**
 * The rollup processor's added cost per span as a fraction of the SDK's per-span cost with a
 * BatchSpanProcessor and a discarding exporter. Both setups run in this process, interleaved;
 * each ratio is the median over chunk pairs of (with - without) / without. `overheadRatio` is
 * for spans made as the service makes them; `bareOverheadRatio` for the cheapest spans possible.
 */
export async function measureProcessorOverhead(options: { pairs?: number } = {}): Promise<{
  overheadRatio: number;
  sdkNsPerSpan: number;
  processorNsPerSpan: number;
  bareOverheadRatio: number;
  bareSdkNsPerSpan: number;
  bareProcessorNsPerSpan: number;
}> {
  const pairs = options.pairs ?? 1500;
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  // One rollup processor for both workloads, as a process has one (its name and path tables and
  // its window's rows are then as warm for the second workload as a service keeps them).
  const plain = providerWith([new BatchSpanProcessor({ exporter: new DiscardingExporter() })]);
  const withRollup = providerWith([
    new RollupSpanProcessor({ serviceName: 'bench' }),
    new BatchSpanProcessor({ exporter: new DiscardingExporter() }),
  ]);
  try {
    const service = await pairedOverhead(plain, withRollup, true, pairs);
    const bare = await pairedOverhead(plain, withRollup, false, pairs);
    return {
      overheadRatio: service.ratio,
      sdkNsPerSpan: service.sdkNs,
      processorNsPerSpan: service.addedNs,
      bareOverheadRatio: bare.ratio,
      bareSdkNsPerSpan: bare.sdkNs,
      bareProcessorNsPerSpan: bare.addedNs,
    };
  } finally {
    await Promise.all([plain.provider.shutdown(), withRollup.provider.shutdown()]);
    context.disable();
  }
}

/**
 * The processor's whole cost per span, its batched aggregation included, as a fraction of the
 * SDK's per-span cost: the same workload as measureProcessorOverhead, in chunks of 200 trees, each
 * chunk with the processor ending in `forceFlush()` (which aggregates everything that ended),
 * interleaved and alternating; the median over chunk pairs. Nothing of the processor's work falls
 * outside the timed chunks.
 */
export async function measureAmortizedCost(options: { pairs?: number } = {}): Promise<{
  amortizedRatio: number;
  sdkNsPerSpan: number;
  processorNsPerSpan: number;
}> {
  const pairs = options.pairs ?? 300;
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const rollup = new RollupSpanProcessor({ serviceName: 'bench' });
  const plain = providerWith([new BatchSpanProcessor({ exporter: new DiscardingExporter() })]);
  const withRollup = providerWith([rollup, new BatchSpanProcessor({ exporter: new DiscardingExporter() })]);
  try {
    const whole = await pairedOverhead(plain, withRollup, true, pairs, {
      trees: 200,
      afterWith: () => void rollup.forceFlush(),
    });
    return { amortizedRatio: whole.ratio, sdkNsPerSpan: whole.sdkNs, processorNsPerSpan: whole.addedNs };
  } finally {
    await Promise.all([plain.provider.shutdown(), withRollup.provider.shutdown()]);
    context.disable();
  }
}

/** Largest relative error of the sketch's p50, p90, p95, p99, p99.9 against exact quantiles of
 *  1e6 heavy-tailed values. */
export function measureAccuracy(options: { values?: number } = {}): { maxRelativeError: number } {
  const values = heavyTailed(options.values ?? 1_000_000, 42);
  const histogram = new LogHistogram();
  for (const v of values) histogram.add(v);
  const sorted = Float64Array.from(values).sort();
  let worst = 0;
  for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
    const exact = exactQuantile(sorted, q);
    worst = Math.max(worst, Math.abs(histogram.quantile(q) - exact) / exact);
  }
  return { maxRelativeError: worst };
}

function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap growth (bytes, after full GCs) from before the rollup processor exists to after it has
 *  rolled up 1e6 spans over 20 names (the provider's own few objects included). */
export async function measureHeapGrowth(options: { spans?: number } = {}): Promise<{ heapGrowthBytes: number }> {
  const gc = collector();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const rollup = new RollupSpanProcessor({ serviceName: 'bench' });
  const { tracer, provider } = providerWith([rollup]);
  const trees = Math.ceil((options.spans ?? 1_000_000) / (SPANS_PER_TREE + 0.5));
  for (let i = 0; i < trees; i++) {
    requestTree(tracer, i, false);
    // The tree uses ten names; every other tree adds a span of one of the other ten.
    if (i % 2 === 0) tracer.startSpan(NAMES[10 + ((i >> 1) % 10)]!).end();
    if (i % 4096 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  rollup.summary();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  await provider.shutdown();
  return { heapGrowthBytes: after - before };
}

if (import.meta.main) {
  console.log(
    JSON.stringify(
      {
        accuracy: measureAccuracy(),
        heap: await measureHeapGrowth(),
        overhead: await measureProcessorOverhead(),
        amortized: await measureAmortizedCost(),
      },
      null,
      2,
    ),
  );
}
