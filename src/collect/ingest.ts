/**
 * One path for every accepted export, whatever brought it (OTLP/HTTP protobuf or JSON, gRPC):
 * decode, validate span by span, feed the rollup engine and the span-duration metrics, count.
 * A body that does not decode is a CodedError (MALFORMED_EXPORT) and changes nothing.
 */
import { CodedError, ERROR_CODE } from '../core/errors.ts';
import type { RollupEngine } from '../rollup/rollup-engine.ts';
import { JsonShapeError, spansFromJson } from './otlp-json.ts';
import { spansFromWire } from './otlp-wire.ts';
import { SourceIds, type SpanBatch } from './span-batch.ts';

/** Where spans' durations go besides the engine (the /metrics histograms). */
export type RecordSpan = (name: string, seconds: number, traceId: string, spanId: string, endS: number) => void;

/** What the receiver has taken in since it started. */
export interface IngestCounters {
  /** Exports decoded (whether or not all their spans were accepted). */
  exports: number;
  /** Spans accepted into the rollups. */
  spans: number;
  /** Spans refused one by one (answered in partial_success). */
  rejectedSpans: number;
  /** Exports refused whole: undecodable, too large, unknown content type or encoding. */
  refusedExports: number;
}

function malformed(error: unknown): CodedError {
  const detail = error instanceof Error ? error.message : String(error);
  return new CodedError(`the body does not decode as an ExportTraceServiceRequest: ${detail.slice(0, 200)}`, {
    code: ERROR_CODE.MALFORMED_EXPORT,
  });
}

/** Decodes exports and feeds their spans to the engine. */
export class Ingest {
  readonly counters: IngestCounters = { exports: 0, spans: 0, rejectedSpans: 0, refusedExports: 0 };
  readonly #engine: RollupEngine;
  readonly #record: RecordSpan | undefined;
  readonly #sources = new SourceIds();

  constructor(engine: RollupEngine, record?: RecordSpan) {
    this.#engine = engine;
    this.#record = record;
  }

  /** The spans of a protobuf body; throws MALFORMED_EXPORT. */
  protobuf(body: Buffer): SpanBatch {
    try {
      return spansFromWire(body, this.#sources);
    } catch (error) {
      throw malformed(error);
    }
  }

  /** The spans of a JSON body; throws MALFORMED_EXPORT. */
  json(body: Buffer): SpanBatch {
    let parsed: unknown;
    try {
      // Whatever JSON.parse throws (a syntax error, too deep a nesting) is the body's fault.
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw malformed(error);
    }
    try {
      return spansFromJson(parsed, this.#sources);
    } catch (error) {
      if (error instanceof JsonShapeError) throw malformed(error);
      throw error;
    }
  }

  /** Counts an export refused whole. */
  refused(): void {
    this.counters.refusedExports++;
  }

  /** Feeds `batch`'s spans to the engine and the metrics, and counts them. */
  take(batch: SpanBatch): void {
    const counters = this.counters;
    counters.exports++;
    counters.spans += batch.nodes.length;
    counters.rejectedSpans += batch.rejected;
    const now = Date.now();
    const engine = this.#engine;
    const record = this.#record;
    for (const node of batch.nodes) {
      engine.add(node, now);
      if (record !== undefined)
        record(node.name, node.durationMs / 1e3, node.traceId, node.spanId, (node.startMs + node.durationMs) / 1e3);
    }
  }
}
