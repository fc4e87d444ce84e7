/**
 * The metered resources (worker pool, NPU columns, admission, uploads) as OpenTelemetry observable
 * instruments, read at each collection (a Prometheus scrape, an OTLP export): per resource name,
 * its capacity, the units in use and the waiters now, its utilization since the previous
 * collection (busy unit-time over capacity x elapsed time), and the busy unit-seconds so far as a
 * counter. The ratio is what a dashboard shows at a glance; with several scrapers or readers each
 * sees shorter windows, so alerts should use `rate(busy_seconds_total) / capacity`, which does not
 * depend on who else collects.
 */
import type { Meter } from '@opentelemetry/api';
import type { ResourceReading, ResourceSource } from '../telemetry/resource-meter.ts';
import { utilization } from './resource-entries.ts';

/** Label carrying the resource name. */
export const RESOURCE_LABEL = 'resource';
/** Instrument names, as Prometheus shows them (a counter's samples add `_total`). */
export const RESOURCE_GAUGES = {
  utilization: 'amanuensis_resource_utilization_ratio',
  /** A counter: its samples end in `_total`. */
  busySeconds: 'amanuensis_resource_busy_seconds',
  inUse: 'amanuensis_resource_in_use',
  queued: 'amanuensis_resource_queued',
  capacity: 'amanuensis_resource_capacity',
} as const;

/** Registers the gauges of `sources` on `meter`. A source that throws is left out of that collection. */
export function registerResourceGauges(meter: Meter, sources: readonly ResourceSource[]): void {
  if (sources.length === 0) return;
  const gauge = (name: string, description: string, unit?: string) =>
    meter.createObservableGauge(name, { description, ...(unit ? { unit } : {}) });
  const utilizationGauge = gauge(
    RESOURCE_GAUGES.utilization,
    'Busy unit-time over capacity x time since the previous collection, 0..1',
    '1',
  );
  const busySeconds = meter.createObservableCounter(RESOURCE_GAUGES.busySeconds, {
    description: 'Unit-seconds busy since the process started',
    unit: 's',
  });
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
        result.observe(
          utilizationGauge,
          utilization(now.busyMs - before.busyMs, source.capacity, now.atMs - before.atMs),
          attributes,
        );
        result.observe(busySeconds, now.busyMs / 1000, attributes);
        result.observe(inUse, now.inUse, attributes);
        result.observe(queued, now.queued, attributes);
        result.observe(capacity, source.capacity, attributes);
      }
    },
    [utilizationGauge, busySeconds, inUse, queued, capacity],
  );
}
