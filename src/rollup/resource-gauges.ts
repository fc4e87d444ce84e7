/**
 * The metered resources (worker pool, NPU columns, admission) as OpenTelemetry observable gauges,
 * read at each collection (a Prometheus scrape, an OTLP export): per resource name, its capacity,
 * the units in use and the waiters now, and its utilization since the previous collection (busy
 * unit-time over capacity x elapsed time, from the meter's cumulative busy time).
 */
import type { Meter } from '@opentelemetry/api';
import { utilization } from './resource-entries.ts';
import type { ResourceReading, ResourceSource } from '../telemetry/resource-meter.ts';

/** Label carrying the resource name. */
export const RESOURCE_LABEL = 'resource';
/** Gauge names, as Prometheus shows them. */
export const RESOURCE_GAUGES = {
  utilization: 'amanuensis_resource_utilization',
  inUse: 'amanuensis_resource_in_use',
  queued: 'amanuensis_resource_queued',
  capacity: 'amanuensis_resource_capacity',
} as const;

/** Registers the gauges of `sources` on `meter`. A source that throws is left out of that collection. */
export function registerResourceGauges(meter: Meter, sources: readonly ResourceSource[]): void {
  if (sources.length === 0) return;
  const gauge = (name: string, description: string) => meter.createObservableGauge(name, { description });
  const utilizationGauge = gauge(RESOURCE_GAUGES.utilization, 'Busy unit-time over capacity x time since the previous collection, 0..1');
  const inUse = gauge(RESOURCE_GAUGES.inUse, 'Units busy now');
  const queued = gauge(RESOURCE_GAUGES.queued, 'Waiters queued now');
  const capacity = gauge(RESOURCE_GAUGES.capacity, 'Units that can be busy at once');
  const previous = new Map<ResourceSource, ResourceReading>();
  for (const source of sources) {
    try {
      previous.set(source, source.read());
    } catch {
      // Read from the first collection on.
    }
  }
  meter.addBatchObservableCallback(
    (result) => {
      for (const source of sources) {
        let now: ResourceReading;
        try {
          now = source.read();
        } catch {
          continue;
        }
        const attributes = { [RESOURCE_LABEL]: source.name };
        const before = previous.get(source) ?? now;
        previous.set(source, now);
        result.observe(utilizationGauge, utilization(now.busyMs - before.busyMs, source.capacity, now.atMs - before.atMs), attributes);
        result.observe(inUse, now.inUse, attributes);
        result.observe(queued, now.queued, attributes);
        result.observe(capacity, source.capacity, attributes);
      }
    },
    [utilizationGauge, inUse, queued, capacity],
  );
}
