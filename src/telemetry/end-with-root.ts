/**
 * A span that lasts until its request's SERVER span closes: `http.response`. instrumentation-http
 * ends the SERVER span on the response's 'close' event, after setting its status and attributes;
 * a child ended by an earlier listener of that event leaves the time between them -- its own span
 * processors, the instrumentation's bookkeeping, and any pause the machine takes meanwhile -- in
 * no span. Ended here as the SERVER span ends instead (its end time fixed, its processors not yet
 * run), the child covers the request to its end and still reaches the processors before its parent.
 */
import type { Span } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Children waiting for their root, by the root's span id, with the earliest end each may have. */
const waiting = new Map<string, { span: Span; notBeforeMs: number }>();

function epochMs(time: readonly [number, number]): number {
  return time[0] * 1e3 + time[1] / 1e6;
}

/**
 * Ends `span` when the span with id `rootSpanId` ends, at the root's end time but not before
 * `notBeforeMs` (the root's clock starts from `Date.now()`, whole milliseconds, so its end may read
 * earlier than ours). `fallback` ends it at `notBeforeMs` if the root ended already or no
 * `EndWithRootProcessor` runs; call it after the root's end could have happened.
 */
export function endWithRoot(span: Span, rootSpanId: string, notBeforeMs: number): { fallback(): void } {
  waiting.set(rootSpanId, { span, notBeforeMs });
  return {
    fallback() {
      if (waiting.get(rootSpanId)?.span !== span) return;
      waiting.delete(rootSpanId);
      span.end(notBeforeMs);
    },
  };
}

/** Ends the spans registered with `endWithRoot` as their root ends, before the root's processors see it. */
export class EndWithRootProcessor implements SpanProcessor {
  onStart(): void {}

  onEnding(root: ReadableSpan): void {
    if (waiting.size === 0) return;
    const rootSpanId = root.spanContext().spanId;
    const child = waiting.get(rootSpanId);
    if (!child) return;
    waiting.delete(rootSpanId);
    child.span.end(Math.max(child.notBeforeMs, epochMs(root.endTime)));
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
