/**
 * The receiver's own counters for GET /metrics (each `amanuensis_collect_*_total`), read at every
 * scrape from the ingest, the engine and the forwarder.
 */
import type { CounterSource } from '../rollup/metrics.ts';
import type { RollupEngine } from '../rollup/rollup-engine.ts';
import type { Forwarder } from './forwarder.ts';
import type { Ingest } from './ingest.ts';

/** The counters of one receiver; the forwarder's only when it forwards. */
export function collectCounters(
  ingest: Ingest,
  engine: RollupEngine,
  forwarder: Forwarder | undefined,
): CounterSource[] {
  const counters: CounterSource[] = [
    {
      name: 'amanuensis_collect_spans',
      description: 'Spans accepted into the rollups',
      read: () => ingest.counters.spans,
    },
    {
      name: 'amanuensis_collect_rejected_spans',
      description: 'Spans rejected one by one (partial_success)',
      read: () => ingest.counters.rejectedSpans,
    },
    {
      name: 'amanuensis_collect_refused_exports',
      description: 'Exports refused whole (undecodable, too large, unsupported type or encoding, overloaded)',
      read: () => ingest.counters.refusedExports,
    },
    {
      name: 'amanuensis_collect_late_spans',
      description: 'Spans that arrived after their trace was rolled up',
      read: () => engine.aggregator.late,
    },
  ];
  if (forwarder === undefined) return counters;
  return [
    ...counters,
    {
      name: 'amanuensis_collect_forwarded_exports',
      description: 'Exports the --forward endpoint accepted',
      read: () => forwarder.counters.sent,
    },
    {
      name: 'amanuensis_collect_forward_dropped_spans',
      description: 'Spans of exports dropped because the forward queue was full',
      read: () => forwarder.counters.droppedSpans,
    },
    {
      name: 'amanuensis_collect_forward_failed_spans',
      description: 'Spans of exports the --forward endpoint refused or never got',
      read: () => forwarder.counters.failedSpans,
    },
  ];
}
