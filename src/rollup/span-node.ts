/**
 * A span as the engine holds it: the record's fields and what aggregation works out for it, in one
 * object. One allocation per span, of one shape, rather than a record plus a node around it: the
 * batches' garbage (and the collections it causes) is most of their cost.
 */
import { NO_NAME, NO_PATH } from './registry.ts';
import type { SpanRecord } from './span-record.ts';

/** `inherit` of a span whose children start paths of their own (it is not INTERNAL). */
export const NO_INHERIT = -3;

/** An ended span in its trace. */
export class SpanNode implements SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly localRoot: boolean;
  readonly name: string;
  readonly internal: boolean;
  readonly startMs: number;
  readonly durationMs: number;
  readonly error: boolean;
  readonly sampled: boolean;
  /** Arrival number: a child that arrived before its parent had ended before it. */
  seq = 0;
  /** Left out of the statistics (warm-up); it still gives its children their paths. */
  skip = false;
  /** First direct child and next sibling, linked just before a tree is aggregated (arrival order). */
  firstChild: SpanNode | null = null;
  nextSibling: SpanNode | null = null;
  /** Aggregated: `path`, `inherit` and `rootStartMs` below are set. */
  done = false;
  path = NO_PATH;
  /** The path this span's INTERNAL children extend (NO_INHERIT when they start their own). */
  inherit = NO_INHERIT;
  /** Start of the span that began this span's path, for start offsets. */
  rootStartMs: number;
  /** Name id (NO_NAME when the table is full) and self time, for request attribution. */
  nameId = NO_NAME;
  selfMs = 0;
  /** Which resource (service instance) sent it, for sources that mix several: a parent from
   *  another one makes this span a local root. 0 for a single process. */
  source = 0;

  constructor(
    traceId: string,
    spanId: string,
    parentSpanId: string,
    localRoot: boolean,
    name: string,
    internal: boolean,
    startMs: number,
    durationMs: number,
    error: boolean,
    sampled: boolean,
  ) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentSpanId = parentSpanId;
    this.localRoot = localRoot;
    this.name = name;
    this.internal = internal;
    this.startMs = startMs;
    this.durationMs = durationMs;
    this.error = error;
    this.sampled = sampled;
    this.rootStartMs = startMs;
  }

  /** A node for a record from any source. */
  static from(record: SpanRecord): SpanNode {
    return new SpanNode(
      record.traceId,
      record.spanId,
      record.parentSpanId,
      record.localRoot,
      record.name,
      record.internal,
      record.startMs,
      record.durationMs,
      record.error,
      record.sampled,
    );
  }
}
