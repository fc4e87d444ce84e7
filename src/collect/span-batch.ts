/**
 * What one export turns into: the accepted spans as engine nodes, the count of rejected spans and
 * why the first was rejected (for OTLP's partial_success), and the resource ids that tell the
 * engine which spans come from which service instance. Both encodings (otlp-spans.ts,
 * otlp-json.ts) fill it through `accept`, so they validate alike.
 */
import { SpanNode } from '../rollup/span-node.ts';

/** OTLP span kinds: UNSPECIFIED may be taken for INTERNAL, as the specification allows. */
const KIND_INTERNAL = 1;
const KIND_UNSPECIFIED = 0;
/** Span status code ERROR. */
const STATUS_ERROR = 2;
/** Span flags: the sender says whether the parent is remote (bit 8), and if so it is (bit 9). */
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** Distinct resources remembered; further ones share one id (their spans then link as one source). */
const MAX_SOURCES = 65_536;
const SHARED_SOURCE = -1;

/** The resource attributes that tell service instances apart. */
export const SOURCE_KEYS = ['service.name', 'service.instance.id', 'host.name', 'process.pid'] as const;

/** Numbers for resources, by the values of SOURCE_KEYS. */
export class SourceIds {
  readonly #ids = new Map<string, number>();

  /** The id of the resource whose SOURCE_KEYS values are `key` (joined). */
  id(key: string): number {
    let id = this.#ids.get(key);
    if (id !== undefined) return id;
    if (this.#ids.size >= MAX_SOURCES) return SHARED_SOURCE;
    id = this.#ids.size + 1;
    this.#ids.set(key, id);
    return id;
  }
}

/**
 * Epoch milliseconds of a time given as whole seconds and nanoseconds, computed as the SDK's
 * own HrTime conversion does, so that a received span's times are the sender's to the last bit.
 */
export function msOf(seconds: number, nanos: number): number {
  return seconds * 1e3 + nanos / 1e6;
}

/** Milliseconds of a duration of `nanos` nanoseconds, as the SDK's HrTime duration converts. */
export function durationMsOf(nanos: number): number {
  const seconds = Math.floor(nanos / 1e9);
  return msOf(seconds, nanos - seconds * 1e9);
}

/** One span's fields, validated by `accept`. Times are split so that durations stay exact. */
export interface SpanFields {
  traceId: string;
  spanId: string;
  /** '' for none. */
  parentSpanId: string;
  flags: number;
  name: string;
  kind: number;
  /** Start in epoch ms. */
  startMs: number;
  /** End minus start, ms (negative when the span ends before it starts). */
  durationMs: number;
  statusCode: number;
}

/** A blank SpanFields, which a decoder fills span after span (one object per body, not per span). */
export function blankSpanFields(): SpanFields {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: 0,
    startMs: 0,
    durationMs: 0,
    statusCode: 0,
  };
}

/** Why `span` cannot be placed, or '' when it can. */
function invalid(span: SpanFields, parent: string): string {
  if (span.traceId.length !== 32 || span.traceId === ZERO_TRACE_ID) return 'invalid trace id';
  if (span.spanId.length !== 16 || span.spanId === ZERO_SPAN_ID) return 'invalid span id';
  if (parent !== '' && parent.length !== 16) return 'invalid parent span id';
  if (!(span.startMs >= 0 && span.startMs < Infinity)) return 'invalid start time';
  if (!(span.durationMs >= 0 && span.durationMs < Infinity)) return 'end time before start time';
  return '';
}

/** The spans of one export. */
export class SpanBatch {
  readonly nodes: SpanNode[] = [];
  rejected = 0;
  /** Why the first rejected span was rejected ('' when none was). */
  reason = '';

  /** Rejects one span, keeping the first reason. */
  reject(reason: string): void {
    if (this.rejected === 0) this.reason = reason;
    this.rejected++;
  }

  /** Validates `span` and adds its node, from resource `source`; a span that cannot be placed is rejected. */
  accept(span: SpanFields, source: number): void {
    const parent = span.parentSpanId === ZERO_SPAN_ID ? '' : span.parentSpanId;
    const problem = invalid(span, parent);
    if (problem !== '') {
      this.reject(problem);
      return;
    }
    const remoteParent = (span.flags & HAS_IS_REMOTE) !== 0 && (span.flags & IS_REMOTE) !== 0;
    const node = new SpanNode(
      span.traceId,
      span.spanId,
      parent,
      parent === '' || remoteParent,
      span.name,
      span.kind === KIND_INTERNAL || span.kind === KIND_UNSPECIFIED,
      span.startMs,
      span.durationMs,
      span.statusCode === STATUS_ERROR,
      // Exported spans were sampled: a sender exports nothing else.
      true,
    );
    node.source = source;
    this.nodes.push(node);
  }
}
