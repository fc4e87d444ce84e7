/**
 * Structural validation of span summary documents read from files or over HTTP: every field the
 * contract names, with its type. The sketches and request states are checked when they are
 * rebuilt (merge, subtraction). Documents written before `requests` and `resources` existed are
 * read with both empty.
 */
import { QUANTILE_FIELDS, SCHEMA_VERSION, type SpanSummaryDocument } from './document.ts';

/** A document that is not a valid span summary; the message says which field and why. */
export class SummaryFormatError extends Error {
  override name = 'SummaryFormatError';
}

type Json = Record<string, unknown>;

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SummaryFormatError(`${where} must be an object`);
  return value as Json;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new SummaryFormatError(`${where} must be a string`);
  return value;
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new SummaryFormatError(`${where} must be a non-negative integer`);
  return value;
}

function number(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new SummaryFormatError(`${where} must be a finite number`);
  return value;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new SummaryFormatError(`${where} must be an array`);
  return value;
}

function statistics(entry: Json, where: string): void {
  count(entry.count, `${where}.count`);
  count(entry.errors, `${where}.errors`);
  for (const field of [
    'total_ms',
    'mean_ms',
    'stddev_ms',
    'min_ms',
    'max_ms',
    'self_total_ms',
    'self_mean_ms',
  ] as const)
    number(entry[field], `${where}.${field}`);
  for (const [, field] of QUANTILE_FIELDS) number(entry[field], `${where}.${field}`);
  array(entry.exemplars, `${where}.exemplars`).forEach((value, i) => {
    const exemplar = object(value, `${where}.exemplars[${i}]`);
    string(exemplar.trace_id, `${where}.exemplars[${i}].trace_id`);
    string(exemplar.span_id, `${where}.exemplars[${i}].span_id`);
    number(exemplar.duration_ms, `${where}.exemplars[${i}].duration_ms`);
  });
  object(entry.sketch, `${where}.sketch`);
}

function numbers(value: unknown, fields: readonly string[], where: string): void {
  const entry = object(value, where);
  for (const field of fields) number(entry[field], `${where}.${field}`);
}

function keptTrace(value: unknown, where: string): void {
  const trace = object(value, where);
  string(trace.trace_id, `${where}.trace_id`);
  number(trace.duration_ms, `${where}.duration_ms`);
  array(trace.spans, `${where}.spans`).forEach((span, i) => {
    const at = `${where}.spans[${i}]`;
    const entry = object(span, at);
    for (const field of ['span_id', 'parent_span_id', 'name'] as const) string(entry[field], `${at}.${field}`);
    numbers(entry, ['start_ms', 'duration_ms'], at);
  });
}

function requestEntry(value: unknown, where: string): void {
  const entry = object(value, where);
  string(entry.root, `${where}.root`);
  count(entry.count, `${where}.count`);
  numbers(entry.unattributed_ms, ['mean', 'p50', 'p99', 'max'], `${where}.unattributed_ms`);
  numbers(entry.unattributed_share, ['p50', 'p99'], `${where}.unattributed_share`);
  const tail = object(entry.tail, `${where}.tail`);
  numbers(tail, ['slow_quantile', 'slow_threshold_ms'], `${where}.tail`);
  count(tail.slow_count, `${where}.tail.slow_count`);
  count(tail.baseline_count, `${where}.tail.baseline_count`);
  array(tail.stages, `${where}.tail.stages`).forEach((stage, i) => {
    string(object(stage, `${where}.tail.stages[${i}]`).name, `${where}.tail.stages[${i}].name`);
    numbers(stage, ['slow_mean_ms', 'baseline_mean_ms', 'delta_ms', 'share'], `${where}.tail.stages[${i}]`);
  });
  for (const list of ['slowest', 'typical'] as const)
    array(entry[list], `${where}.${list}`).forEach((trace, i) => {
      keptTrace(trace, `${where}.${list}[${i}]`);
    });
  if (entry.state !== undefined) object(entry.state, `${where}.state`);
}

function resourceEntry(value: unknown, where: string): void {
  const entry = object(value, where);
  string(entry.name, `${where}.name`);
  numbers(
    entry,
    ['capacity', 'utilization', 'busy_ms', 'window_ms', 'queue_mean', 'queue_max', 'in_use', 'queued'],
    where,
  );
  if (entry.queue_ms !== undefined) number(entry.queue_ms, `${where}.queue_ms`);
}

/** Checks that `value` is a span summary document this code can read; throws SummaryFormatError.
 *  The answer is `value` itself, or a shallow copy with `requests` and `resources` added (empty)
 *  when it predates them. */
export function validateSummary(value: unknown): SpanSummaryDocument {
  const document = object(value, 'document');
  if (document.schema_version !== SCHEMA_VERSION) {
    throw new SummaryFormatError(
      `unsupported schema_version ${JSON.stringify(document.schema_version)} (this version reads ${SCHEMA_VERSION})`,
    );
  }
  string(object(document.service, 'service').name, 'service.name');
  string(document.generated_at, 'generated_at');
  const window = object(document.window, 'window');
  for (const field of ['start', 'end'] as const) {
    if (Number.isNaN(Date.parse(string(window[field], `window.${field}`))))
      throw new SummaryFormatError(`window.${field} must be an ISO-8601 time`);
  }
  count(document.warmup_spans_skipped, 'warmup_spans_skipped');
  count(document.dropped_spans, 'dropped_spans');
  array(document.spans, 'spans').forEach((value, i) => {
    const entry = object(value, `spans[${i}]`);
    string(entry.name, `spans[${i}].name`);
    statistics(entry, `spans[${i}]`);
  });
  array(document.paths, 'paths').forEach((value, i) => {
    const entry = object(value, `paths[${i}]`);
    string(entry.path, `paths[${i}].path`);
    array(entry.names, `paths[${i}].names`).forEach((name, j) => {
      string(name, `paths[${i}].names[${j}]`);
    });
    number(entry.start_offset_mean_ms, `paths[${i}].start_offset_mean_ms`);
    statistics(entry, `paths[${i}]`);
  });
  if (document.requests !== undefined)
    array(document.requests, 'requests').forEach((entry, i) => {
      requestEntry(entry, `requests[${i}]`);
    });
  if (document.resources !== undefined)
    array(document.resources, 'resources').forEach((entry, i) => {
      resourceEntry(entry, `resources[${i}]`);
    });
  if (document.requests === undefined || document.resources === undefined) {
    return {
      ...document,
      requests: document.requests ?? [],
      resources: document.resources ?? [],
    } as unknown as SpanSummaryDocument;
  }
  return document as unknown as SpanSummaryDocument;
}

/** Parses and validates a document's JSON text; a truncated or non-JSON text is a SummaryFormatError. */
export function parseSummary(text: string): SpanSummaryDocument {
  if (text.trim() === '') throw new SummaryFormatError('empty file, not a span summary');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SummaryFormatError(
      `not valid JSON (truncated?): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return validateSummary(value);
}
