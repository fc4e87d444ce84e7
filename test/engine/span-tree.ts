/**
 * Helpers for reading span trees in engine and accelerator tests (the SDK itself comes from
 * test/support/tracing.ts).
 */
import { trace } from '@opentelemetry/api';
import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import { parentOf } from '../support/tracing.ts';

/** Milliseconds since the epoch of an HrTime. */
export function epochMs(time: [number, number]): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

/** The direct children of `parent` among `spans`, in start order. */
export function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans
    .filter((span) => parentOf(span) === parent.spanContext().spanId)
    .sort((a, b) => epochMs(a.startTime) - epochMs(b.startTime));
}

/** Every span below `root`, breadth first. */
export function descendantsOf(spans: readonly ReadableSpan[], root: ReadableSpan): ReadableSpan[] {
  const found: ReadableSpan[] = [];
  const queue = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const children = childrenOf(spans, next);
    found.push(...children);
    queue.push(...children);
  }
  return found;
}

/** Names of `spans`, counted. */
export function countNames(spans: readonly ReadableSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const span of spans) counts[span.name] = (counts[span.name] ?? 0) + 1;
  return counts;
}

/** Runs `fn` inside an active root span `name` (as the service's `transcribe`) and returns its result and the finished root. */
export async function withRoot<T>(
  exporter: InMemorySpanExporter,
  name: string,
  fn: () => Promise<T>,
): Promise<{ result: T; root: ReadableSpan }> {
  let spanId = '';
  const result = await trace.getTracer('amanuensis-test').startActiveSpan(name, async (span) => {
    spanId = span.spanContext().spanId;
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
  const root = exporter.getFinishedSpans().find((span) => span.spanContext().spanId === spanId);
  if (!root) throw new Error(`root span ${name} was not exported`);
  return { result, root };
}
