/**
 * Per span name: the histogram's attribute set (made once, so recording allocates nothing) and,
 * per bucket, the latest sampled span that fell in it (trace id, span id, seconds, end time), for
 * the OpenMetrics exemplars of GET /metrics. Bounded: at most `maxNames` names, further names
 * share the `_other` slot, and a slot holds one exemplar per bucket. The ids are the span
 * context's own strings, so keeping them copies nothing.
 */
import type { Attributes } from '@opentelemetry/api';
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
  readonly attributes: Attributes;
  readonly traceIds: string[] = new Array<string>(SPAN_DURATION_BUCKETS).fill('');
  readonly spanIds: string[] = new Array<string>(SPAN_DURATION_BUCKETS).fill('');
  readonly values = new Float64Array(SPAN_DURATION_BUCKETS);
  readonly timesS = new Float64Array(SPAN_DURATION_BUCKETS);

  constructor(labelValue: string) {
    this.attributes = { [SPAN_NAME_LABEL]: labelValue };
  }
}

/** The slots of all span names seen, and the exemplar lookup the exposition uses. */
export class ExemplarStore {
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

  /** The latest sampled span of a span_name label value in bucket `bucket`, if any. */
  exemplar(labelValue: string, bucket: number): Exemplar | undefined {
    const slot = this.#slots.get(labelValue) ?? (labelValue === OTHER_SPAN_NAME ? this.#other : undefined);
    const traceId = slot?.traceIds[bucket];
    if (slot === undefined || !traceId) return undefined;
    return { traceId, spanId: slot.spanIds[bucket]!, value: slot.values[bucket]!, timestampS: slot.timesS[bucket]! };
  }
}
