/**
 * The span duration histograms, kept here rather than in an sdk-metrics Histogram: recording into
 * one costs about 0.9 µs a span (it hashes the attribute set with JSON.stringify at every call),
 * seven times what this store costs, and onEnd runs for every span of every request.
 *
 * Per span name: the bucket counts, sum and count, and per bucket the latest sampled span that
 * fell in it (trace id, span id, seconds, end time) for the OpenMetrics exemplars of GET /metrics.
 * Bounded: at most `maxNames` names, further names share the `_other` slot. The ids are the span
 * context's own strings, so keeping them copies nothing.
 */
import { SPAN_DURATION_BUCKETS } from './duration-buckets.ts';

/** Label carrying the span name. */
export const SPAN_NAME_LABEL = 'span_name';
/** Label value for spans beyond the name bound. */
export const OTHER_SPAN_NAME = '_other';

/** One span that stands for its bucket. */
export interface Exemplar {
  traceId: string;
  spanId: string;
  /** The span's duration, seconds. */
  value: number;
  /** The span's end, seconds since the epoch. */
  timestampS: number;
}

/** The per-name record the span metrics processor writes in onEnd. */
export class NameSlot {
  readonly labelValue: string;
  /** Spans per bucket, `+Inf` last. */
  readonly counts = new Float64Array(SPAN_DURATION_BUCKETS);
  /** [sum of seconds, count]: doubles in a typed array, which V8 does not box as it boxes double fields. */
  readonly totals = new Float64Array(2);
  readonly traceIds: string[] = new Array<string>(SPAN_DURATION_BUCKETS).fill('');
  readonly spanIds: string[] = new Array<string>(SPAN_DURATION_BUCKETS).fill('');
  readonly values = new Float64Array(SPAN_DURATION_BUCKETS);
  readonly timesS = new Float64Array(SPAN_DURATION_BUCKETS);

  constructor(labelValue: string) {
    this.labelValue = labelValue;
  }
}

/** The slots of all span names seen, and the exemplar lookup the exposition uses. */
export class SpanDurationStore {
  readonly #slots = new Map<string, NameSlot>();
  readonly #maxNames: number;
  readonly #other = new NameSlot(OTHER_SPAN_NAME);

  /** @param maxNames distinct span_name values before further names share `_other`. */
  constructor(maxNames: number) {
    this.#maxNames = maxNames;
  }

  /** The slot of `name`, made on first sight while under the bound. */
  slotFor(name: string): NameSlot {
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      if (this.#slots.size >= this.#maxNames) return this.#other;
      slot = new NameSlot(name);
      this.#slots.set(name, slot);
    }
    return slot;
  }

  /** Counts one span of `seconds` in `slot`'s bucket `bucket` (durationBucket(seconds)). */
  count(slot: NameSlot, bucket: number, seconds: number): void {
    slot.counts[bucket]!++;
    const totals = slot.totals;
    totals[0]! += seconds;
    totals[1]!++;
  }

  /** Makes a sampled span of `seconds`, ending at `endS`, the exemplar of `slot`'s bucket `bucket`. */
  exemplify(slot: NameSlot, bucket: number, seconds: number, traceId: string, spanId: string, endS: number): void {
    slot.traceIds[bucket] = traceId;
    slot.spanIds[bucket] = spanId;
    slot.values[bucket] = seconds;
    slot.timesS[bucket] = endS;
  }

  /** Every slot with at least one span, `_other` last. */
  slots(): NameSlot[] {
    return [...this.#slots.values(), this.#other].filter((slot) => slot.totals[1]! > 0);
  }

  /** The latest sampled span of a span_name label value in bucket `bucket`, if any. */
  exemplar(labelValue: string, bucket: number): Exemplar | undefined {
    const slot = this.#slots.get(labelValue) ?? (labelValue === OTHER_SPAN_NAME ? this.#other : undefined);
    const traceId = slot?.traceIds[bucket];
    if (slot === undefined || !traceId) return undefined;
    return { traceId, spanId: slot.spanIds[bucket]!, value: slot.values[bucket]!, timestampS: slot.timesS[bucket]! };
  }
}
