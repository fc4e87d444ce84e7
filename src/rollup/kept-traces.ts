/**
 * The requests whose complete span trees a summary keeps: the K slowest, and a few typical ones
 * (closest to the median). `KeptTraces` decides per request whether its tree is wanted, so the
 * tree is built only for the few that are (the slowest list fills quickly and then admits only a
 * new record; the typical list only a request nearer the median than its farthest member).
 */
import type { KeptTrace } from './document.ts';

/** Slowest requests kept per root name, by default. */
export const DEFAULT_SLOWEST = 5;
/** Typical requests kept per root name, by default. */
export const DEFAULT_TYPICAL = 3;

/** The slowest and typical kept traces of one root name. */
export class KeptTraces {
  readonly maxSlowest: number;
  readonly maxTypical: number;
  /** Slowest first. */
  slowest: KeptTrace[] = [];
  /** Nearest the median first. */
  typical: KeptTrace[] = [];
  #medianMs = NaN;

  constructor(maxSlowest: number, maxTypical: number) {
    this.maxSlowest = maxSlowest;
    this.maxTypical = maxTypical;
  }

  /** True when a request of this duration would join the slowest. */
  wantsSlowest(durationMs: number): boolean {
    if (this.slowest.length < this.maxSlowest) return true;
    return this.maxSlowest > 0 && durationMs > this.slowest[this.slowest.length - 1]!.duration_ms;
  }

  /** True when a request of this duration would join the typical ones. */
  wantsTypical(durationMs: number): boolean {
    if (this.typical.length < this.maxTypical) return true;
    // Only a request at most half as far from the median as the farthest kept one: a tree is
    // built for each that is wanted, and requests of about the same duration would otherwise
    // replace each other all the time.
    return (
      this.maxTypical > 0 &&
      Math.abs(durationMs - this.#medianMs) <
        0.5 * Math.abs(this.typical[this.typical.length - 1]!.duration_ms - this.#medianMs)
    );
  }

  /** Adds `trace` where wanted (check first with wantsSlowest / wantsTypical). */
  add(trace: KeptTrace): void {
    if (this.wantsSlowest(trace.duration_ms)) this.slowest = slowestOf([this.slowest, [trace]], this.maxSlowest);
    if (this.wantsTypical(trace.duration_ms))
      this.typical = nearestTo([this.typical, [trace]], this.#medianMs, this.maxTypical);
  }

  /** The median request duration as now estimated; typical traces are ranked against it. */
  set medianMs(medianMs: number) {
    this.#medianMs = medianMs;
    this.typical = nearestTo([this.typical], medianMs, this.maxTypical);
  }

  reset(): void {
    this.slowest = [];
    this.typical = [];
    this.#medianMs = NaN;
  }
}

/** Each trace once (by trace id), from several lists. */
function distinct(lists: readonly (readonly KeptTrace[])[]): KeptTrace[] {
  const seen = new Map<string, KeptTrace>();
  for (const list of lists) for (const trace of list) if (!seen.has(trace.trace_id)) seen.set(trace.trace_id, trace);
  return [...seen.values()];
}

/** The `k` slowest traces of all lists, slowest first (ties by trace id, so merges are deterministic). */
export function slowestOf(lists: readonly (readonly KeptTrace[])[], k: number): KeptTrace[] {
  return distinct(lists)
    .sort((a, b) => b.duration_ms - a.duration_ms || compare(a.trace_id, b.trace_id))
    .slice(0, k);
}

/** The `k` traces of all lists nearest `medianMs`, nearest first (when the median is unknown yet, the first k). */
export function nearestTo(lists: readonly (readonly KeptTrace[])[], medianMs: number, k: number): KeptTrace[] {
  const all = distinct(lists);
  if (Number.isNaN(medianMs)) return all.slice(0, k);
  return all
    .sort(
      (a, b) =>
        Math.abs(a.duration_ms - medianMs) - Math.abs(b.duration_ms - medianMs) || compare(a.trace_id, b.trace_id),
    )
    .slice(0, k);
}

/** The traces of `after` that `before` does not hold (by trace id). */
export function keptSince(after: readonly KeptTrace[], before: readonly KeptTrace[]): KeptTrace[] {
  const old = new Set(before.map((trace) => trace.trace_id));
  return after.filter((trace) => !old.has(trace.trace_id));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
