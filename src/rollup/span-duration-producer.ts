/**
 * The span duration store as an sdk-metrics MetricProducer: each reader (the /metrics scrape, a
 * periodic OTLP or console export) gets one, and its collections carry the histogram beside the
 * MeterProvider's own instruments. Cumulative readers see the totals since the process started;
 * a delta reader (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta) sees the difference
 * since its previous collection, as the SDK's own histograms would give it.
 */
import { type HrTime, ValueType } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  type MetricProducer,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { SPAN_DURATION_BOUNDS_S } from './duration-buckets.ts';
import { type NameSlot, SPAN_NAME_LABEL, type SpanDurationStore } from './span-duration-store.ts';

/** What the producer says about the histogram it produces. */
export interface HistogramDescription {
  name: string;
  description: string;
  scope: InstrumentationScope;
}

interface Previous {
  counts: Float64Array;
  totals: Float64Array;
  at: HrTime;
}

/** Produces the store's histogram for one reader; see the module comment. */
export class SpanDurationProducer implements MetricProducer {
  readonly #store: SpanDurationStore;
  readonly #description: HistogramDescription;
  readonly #temporality: () => AggregationTemporality;
  readonly #startTime = hrNow();
  readonly #previous = new Map<NameSlot, Previous>();

  /** @param temporality the reader's choice for histograms, asked at each collection (the reader is made after its producer). */
  constructor(store: SpanDurationStore, description: HistogramDescription, temporality: () => AggregationTemporality) {
    this.#store = store;
    this.#description = description;
    this.#temporality = temporality;
  }

  collect(): Promise<CollectionResult> {
    const now = hrNow();
    const temporality = this.#temporality();
    const delta = temporality === AggregationTemporality.DELTA;
    const dataPoints = this.#store.slots().map((slot) => {
      const counts = Array.from(slot.counts);
      let sum = slot.totals[0]!;
      let count = slot.totals[1]!;
      let startTime = this.#startTime;
      if (delta) {
        const before = this.#previous.get(slot);
        this.#previous.set(slot, { counts: slot.counts.slice(), totals: slot.totals.slice(), at: now });
        if (before) {
          for (let i = 0; i < counts.length; i++) counts[i]! -= before.counts[i]!;
          sum -= before.totals[0]!;
          count -= before.totals[1]!;
          startTime = before.at;
        }
      }
      return {
        startTime,
        endTime: now,
        attributes: { [SPAN_NAME_LABEL]: slot.labelValue },
        value: { buckets: { boundaries: [...SPAN_DURATION_BOUNDS_S], counts }, sum, count },
      };
    });
    // The MetricReader keeps its MeterProvider's resource and takes only the scopes from here.
    const resourceMetrics: ResourceMetrics = {
      resource: resourceFromAttributes({}),
      scopeMetrics: [
        {
          scope: this.#description.scope,
          metrics: [
            {
              descriptor: {
                name: this.#description.name,
                description: this.#description.description,
                unit: 's',
                valueType: ValueType.DOUBLE,
              },
              aggregationTemporality: temporality,
              dataPointType: DataPointType.HISTOGRAM,
              dataPoints,
            },
          ],
        },
      ],
    };
    return Promise.resolve({ resourceMetrics, errors: [] });
  }
}

function hrNow(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}
