/**
 * Arithmetic on ResourceEntry: an entry from two readings of a meter, the merge of entries from
 * several documents, and the difference of two cumulative entries of one process.
 *
 * Merged entries are of replicas side by side (what `summary merge` is for): capacities add, busy
 * and queued unit-milliseconds add, and the window is the capacity-weighted mean of the inputs'
 * windows, so that utilization = sum of busy / sum of (capacity x window), the busy share of all
 * the unit-time there was. For runs one after another the same formula holds with the time-
 * weighted reading: the answer is the fraction of unit-time busy either way.
 */

import type { ResourceReading, ResourceSource } from '../telemetry/resource-meter.ts';
import type { ResourceEntry } from './document.ts';

/** busy / (capacity * window), 0 for an empty window, at most 1 (a meter that over-counts its
 *  units must not report more than full). */
export function utilization(busyMs: number, capacity: number, windowMs: number): number {
  return capacity > 0 && windowMs > 0 ? Math.min(1, busyMs / (capacity * windowMs)) : 0;
}

/** The entry of `source` between two of its readings. */
export function resourceEntry(
  source: ResourceSource,
  start: ResourceReading,
  now: ResourceReading,
  queueMax: number,
): ResourceEntry {
  const windowMs = Math.max(0, now.atMs - start.atMs);
  const busyMs = Math.max(0, now.busyMs - start.busyMs);
  const queueMs = Math.max(0, now.queueMs - start.queueMs);
  return {
    name: source.name,
    capacity: source.capacity,
    utilization: utilization(busyMs, source.capacity, windowMs),
    busy_ms: busyMs,
    window_ms: windowMs,
    queue_mean: windowMs > 0 ? queueMs / windowMs : 0,
    queue_max: queueMax,
    in_use: now.inUse,
    queued: now.queued,
    queue_ms: queueMs,
  };
}

/** Waiter-milliseconds of an entry (documents that predate `queue_ms` give queue_mean x window). */
function queueMsOf(entry: ResourceEntry): number {
  return entry.queue_ms ?? entry.queue_mean * entry.window_ms;
}

/** Entries of the same name from several documents, side by side; ordered by name. */
export function mergeResourceEntries(lists: readonly (readonly ResourceEntry[])[]): ResourceEntry[] {
  const byName = new Map<string, ResourceEntry[]>();
  for (const list of lists)
    for (const entry of list) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  return [...byName.keys()].sort().map((name) => {
    const entries = byName.get(name)!;
    const capacity = entries.reduce((sum, e) => sum + e.capacity, 0);
    const unitMs = entries.reduce((sum, e) => sum + e.capacity * e.window_ms, 0);
    const windowMs = capacity > 0 ? unitMs / capacity : Math.max(...entries.map((e) => e.window_ms));
    const busyMs = entries.reduce((sum, e) => sum + e.busy_ms, 0);
    const queueMs = entries.reduce((sum, e) => sum + queueMsOf(e), 0);
    return {
      name,
      capacity,
      utilization: utilization(busyMs, capacity, windowMs),
      busy_ms: busyMs,
      window_ms: windowMs,
      queue_mean: windowMs > 0 ? queueMs / windowMs : 0,
      // The most waiters one input saw at once: the inputs' peaks need not coincide.
      queue_max: Math.max(...entries.map((e) => e.queue_max)),
      in_use: entries.reduce((sum, e) => sum + e.in_use, 0),
      queued: entries.reduce((sum, e) => sum + e.queued, 0),
      queue_ms: queueMs,
    };
  });
}

/**
 * The entries of the time between two cumulative documents of one process: busy, queued and
 * window milliseconds subtract exactly. `queue_max`, `in_use` and `queued` are `after`'s (a peak
 * cannot be subtracted: it is the peak since `after`'s window started, an upper bound). A resource
 * only `after` has is kept as it is.
 */
export function subtractResourceEntries(
  after: readonly ResourceEntry[],
  before: readonly ResourceEntry[],
): ResourceEntry[] {
  const earlier = new Map(before.map((entry) => [entry.name, entry]));
  return after.map((entry) => {
    const old = earlier.get(entry.name);
    if (!old) return { ...entry, queue_ms: queueMsOf(entry) };
    const windowMs = Math.max(0, entry.window_ms - old.window_ms);
    const busyMs = Math.max(0, entry.busy_ms - old.busy_ms);
    const queueMs = Math.max(0, queueMsOf(entry) - queueMsOf(old));
    return {
      ...entry,
      utilization: utilization(busyMs, entry.capacity, windowMs),
      busy_ms: busyMs,
      window_ms: windowMs,
      queue_mean: windowMs > 0 ? queueMs / windowMs : 0,
      queue_ms: queueMs,
    };
  });
}
