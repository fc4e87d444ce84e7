/**
 * One ended span as any source describes it (an OTLP receiver, a file): `SpanNode.from` makes the
 * engine's node of it (span-node.ts), whose fields these are; the processor's adapter builds its
 * nodes directly (processor.ts). Plain fields only, so the engine depends on no SDK type.
 */

/** An ended span: identity, place in its trace, timing and outcome. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** '' when the span has no parent. */
  parentSpanId: string;
  /** True when the span starts a local tree: no parent, or a parent in another process (or
   *  otherwise not from this source). Its tree is a request, aggregated when it arrives. */
  localRoot: boolean;
  name: string;
  /** INTERNAL spans extend their parent's path; any other kind starts a path of its own. */
  internal: boolean;
  /** Epoch milliseconds. */
  startMs: number;
  /** Finite and >= 0. */
  durationMs: number;
  /** Status ERROR. */
  error: boolean;
  /** Sampled (sent by the exporters), as opposed to recorded only. */
  sampled: boolean;
}
