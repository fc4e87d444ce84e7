/**
 * Ended spans waiting for the rest of their local tree, grouped by trace id. A tree is aggregated
 * when its local root arrives (children end before their parents in one process, so by then they
 * are all here); a span whose local root never arrives waits until its trace is evicted or has
 * been quiet for the completion wait, and is then aggregated without it.
 *
 * Bounded: at most `maxTraces` traces wait at once (a new one evicts the trace that began waiting
 * longest ago), at most `maxSpansPerTrace` spans per trace and `maxBufferedSpans` in all (a span
 * over either is left out of its tree). Recently completed traces stay findable
 * (`completedTraces` of them) so that a span ending after its root still finds its parent's path.
 */
import type { SpanNode } from './span-node.ts';

/** Known spans a trace looks through one by one before it builds a map by span id: most traces
 *  are small, and a search of a few ids costs less than a Map's allocations. */
const SMALL_TRACE = 16;

/** The spans of one trace seen so far. */
export class TraceGroup {
  readonly traceId: string;
  /** Spans not aggregated yet, in arrival order. */
  waiting: SpanNode[] = [];
  /** Every span still known (aggregated ones too, while the trace is findable), in arrival order. */
  readonly #known: SpanNode[] = [];
  /** The same by span id, once there are more than SMALL_TRACE. */
  #byId: Map<string, SpanNode> | undefined;
  /** When the last span arrived (epoch ms). */
  lastMs: number;
  /** Spans of this trace a bound left out. */
  dropped = 0;
  /** In the waiting map (not completed). */
  pending = false;
  /** Aggregated before its local root arrived (evicted, or quiet too long), or, with the
   *  completion wait, aggregated already: a root arriving now has lost (part of) its tree. */
  incomplete = false;

  constructor(traceId: string, nowMs: number) {
    this.traceId = traceId;
    this.lastMs = nowMs;
  }

  /** The known span `spanId` (the last one to arrive, should two share it). */
  find(spanId: string): SpanNode | undefined {
    if (this.#byId !== undefined) return this.#byId.get(spanId);
    const known = this.#known;
    for (let i = known.length - 1; i >= 0; i--) if (known[i]!.spanId === spanId) return known[i];
    return undefined;
  }

  /** Makes `node` findable. */
  know(node: SpanNode): void {
    const known = this.#known;
    known.push(node);
    if (this.#byId !== undefined) this.#byId.set(node.spanId, node);
    else if (known.length > SMALL_TRACE) this.#byId = new Map(known.map((each) => [each.spanId, each]));
  }
}

/** The bounds of PendingTraces. */
export interface PendingTraceBounds {
  maxTraces: number;
  maxSpansPerTrace: number;
  maxBufferedSpans: number;
  /** Completed traces kept findable for spans that end after their root. */
  completedTraces: number;
}

export class PendingTraces {
  readonly bounds: PendingTraceBounds;
  /** Insertion order is the order traces began waiting: the first is the one to evict. */
  readonly #pending = new Map<string, TraceGroup>();
  readonly #completed = new Map<string, TraceGroup>();
  #buffered = 0;
  /** The group last handed out: a trace's spans mostly end one after another, so most lookups
   *  are for it, and comparing its id costs less than hashing one. */
  #last: TraceGroup | undefined;

  constructor(bounds: PendingTraceBounds) {
    for (const [name, value, max] of [
      ['maxTraces', bounds.maxTraces, 1 << 20],
      ['maxSpansPerTrace', bounds.maxSpansPerTrace, 1 << 24],
      ['maxBufferedSpans', bounds.maxBufferedSpans, 1 << 24],
    ] as const) {
      if (!(Number.isInteger(value) && value > 0 && value <= max))
        throw new RangeError(`${name} must be an integer from 1 to ${max}, got ${value}`);
    }
    this.bounds = { ...bounds };
  }

  /** Spans waiting in all. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * The group of `traceId`: waiting, or recently completed (it waits again), or new. A new group
   * over the bound first evicts the oldest, handed to `evict` (which must aggregate and `retire` it).
   */
  group(traceId: string, nowMs: number, evict: (group: TraceGroup) => void): TraceGroup {
    const last = this.#last;
    if (last?.pending && last.traceId === traceId) {
      last.lastMs = nowMs;
      return last;
    }
    let group = this.#pending.get(traceId);
    if (group === undefined) {
      group = this.#completed.get(traceId);
      if (group !== undefined) this.#completed.delete(traceId);
      else group = new TraceGroup(traceId, nowMs);
      while (this.#pending.size >= this.bounds.maxTraces) evict(this.#pending.values().next().value!);
      this.#pending.set(traceId, group);
      group.pending = true;
    }
    group.lastMs = nowMs;
    this.#last = group;
    return group;
  }

  /** Adds `node` to wait in `group`; false (and counted in `group.dropped`) when a bound leaves it out. */
  wait(group: TraceGroup, node: SpanNode): boolean {
    if (group.waiting.length >= this.bounds.maxSpansPerTrace || this.#buffered >= this.bounds.maxBufferedSpans) {
      group.dropped++;
      return false;
    }
    group.waiting.push(node);
    group.know(node);
    this.#buffered++;
    return true;
  }

  /** Makes `node` findable in `group` without waiting (a root, or a late span aggregated at once). */
  know(group: TraceGroup, node: SpanNode): void {
    group.know(node);
  }

  /** Drops the aggregated spans from `group`'s waiting list; a group with none left completes. */
  settle(group: TraceGroup): void {
    const before = group.waiting.length;
    let left = 0;
    for (const node of group.waiting) if (!node.done) group.waiting[left++] = node;
    group.waiting.length = left;
    this.#buffered -= before - left;
    if (group.waiting.length > 0) return;
    this.#pending.delete(group.traceId);
    group.pending = false;
    this.#complete(group);
  }

  #complete(group: TraceGroup): void {
    this.#completed.set(group.traceId, group);
    while (this.#completed.size > this.bounds.completedTraces)
      this.#completed.delete(this.#completed.keys().next().value!);
  }

  /** Ends `group`'s wait after its spans were aggregated without their root: it stays findable as
   *  incomplete, so its root, should it still arrive, is not taken for a whole request. */
  retire(group: TraceGroup): void {
    this.#buffered -= group.waiting.length;
    group.waiting = [];
    group.incomplete = true;
    this.#pending.delete(group.traceId);
    group.pending = false;
    this.#complete(group);
  }

  /** Waiting groups that have been quiet since before `beforeMs`. */
  quietSince(beforeMs: number): TraceGroup[] {
    return [...this.#pending.values()].filter((group) => group.lastMs < beforeMs);
  }

  /** Every waiting group. */
  waitingGroups(): TraceGroup[] {
    return [...this.#pending.values()];
  }

  /** Forgets everything. */
  clear(): void {
    this.#pending.clear();
    this.#completed.clear();
    this.#last = undefined;
    this.#buffered = 0;
  }
}
