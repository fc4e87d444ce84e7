/**
 * Rollup benchmarks (called by bench/run.ts; also runnable alone: `node bench/rollup.ts`).
 * Goals from issue 3: processor cost <= 5% of the SDK's own per-span cost with a
 * BatchSpanProcessor; quantile error <= 1% on 1e6 heavy-tailed values; heap growth <= 2 MB after
 * 1e6 spans over 20 names.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { context, trace, type Context, type Tracer } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
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

/** One request-shaped tree: a root with three children, one of which has two children (6 spans). */
function requestTree(tracer: Tracer, i: number): void {
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

function providerWith(processors: SpanProcessor[]): { tracer: Tracer; provider: TracerProvider } {
  const provider = new TracerProvider({ spanProcessors: processors });
  return { tracer: provider.getTracer('bench'), provider };
}

/** Times `trees` request trees in chunks small enough for the batch processor to keep up (its
 *  export starts on a later tick); returns ns per span, excluding the yields. */
async function timeTrees(tracer: Tracer, trees: number): Promise<number> {
  const chunk = 60;
  let elapsed = 0n;
  for (let done = 0; done < trees; done += chunk) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < chunk; i++) requestTree(tracer, done + i);
    elapsed += process.hrtime.bigint() - start;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Number(elapsed) / (trees * SPANS_PER_TREE);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The rollup processor's added cost per span as a fraction of the SDK's per-span cost with a
 * BatchSpanProcessor and a discarding exporter. Both setups run in this process, alternating in
 * rounds; the ratio is the median over rounds of (with - without) / without.
 */
export async function measureProcessorOverhead(options: { rounds?: number; treesPerRound?: number } = {}): Promise<{
  overheadRatio: number;
  sdkNsPerSpan: number;
  processorNsPerSpan: number;
}> {
  const rounds = options.rounds ?? 30;
  const trees = options.treesPerRound ?? 3000;
  const plain = providerWith([new BatchSpanProcessor({ exporter: new DiscardingExporter() })]);
  const rollup = new RollupSpanProcessor({ serviceName: 'bench' });
  const withRollup = providerWith([rollup, new BatchSpanProcessor({ exporter: new DiscardingExporter() })]);
  await timeTrees(plain.tracer, trees);
  await timeTrees(withRollup.tracer, trees);
  const ratios: number[] = [];
  const baseline: number[] = [];
  const added: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither setup always runs on a warmer heap.
    const first = round % 2 === 0;
    const a = first ? await timeTrees(plain.tracer, trees) : 0;
    const b = await timeTrees(withRollup.tracer, trees);
    const without = first ? a : await timeTrees(plain.tracer, trees);
    ratios.push((b - without) / without);
    baseline.push(without);
    added.push(b - without);
  }
  await Promise.all([plain.provider.shutdown(), withRollup.provider.shutdown()]);
  return { overheadRatio: median(ratios), sdkNsPerSpan: median(baseline), processorNsPerSpan: median(added) };
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

/** Heap growth (bytes, after full GCs) of a process whose only span processor is the rollup
 *  processor, across 1e6 spans over 20 names. */
export async function measureHeapGrowth(options: { spans?: number } = {}): Promise<{ heapGrowthBytes: number }> {
  const gc = collector();
  const rollup = new RollupSpanProcessor({ serviceName: 'bench' });
  const { tracer, provider } = providerWith([rollup]);
  const warmupTrees = 2000;
  for (let i = 0; i < warmupTrees; i++) requestTree(tracer, i);
  rollup.summary();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const trees = Math.ceil((options.spans ?? 1_000_000) / SPANS_PER_TREE);
  for (let i = 0; i < trees; i++) {
    requestTree(tracer, i);
    // Use all 20 names: the tree uses 10, so shift half of the trees to the other ten.
    if (i % 2 === 0) tracer.startSpan(NAMES[10 + (i % 10)]!).end();
    if (i % 4096 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  rollup.summary();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  await provider.shutdown();
  return { heapGrowthBytes: Math.max(0, after - before) };
}

if (import.meta.main) {
  console.log(JSON.stringify({ accuracy: measureAccuracy(), heap: await measureHeapGrowth(), overhead: await measureProcessorOverhead() }, null, 2));
}
