/**
 * Stage timings recorded where no tracer lives (worker threads), replayed as spans by the main
 * thread with `replaySpans`. Imports nothing from OpenTelemetry, so workers stay SDK-free: a
 * preloaded SDK per worker would export orphan spans with no parent.
 */

import { delayFor, holdThread, type InjectedDelays } from './injected-delay.ts';
import { ATTR, type Detail, detailRank } from './names.ts';

/** Attribute values a recorded stage may carry. */
export type StageAttributes = Record<string, string | number | boolean>;

/** One finished stage: epoch milliseconds (fractional), and its parent's index in the same list (-1: the replay parent). */
export interface StageRecord {
  name: string;
  startMs: number;
  endMs: number;
  parent: number;
  attributes?: StageAttributes;
}

const origin = performance.timeOrigin;

/** Wall-clock epoch milliseconds with sub-millisecond resolution, comparable across threads. */
export function nowMs(): number {
  return origin + performance.now();
}

/**
 * Records nested stages as plain objects. With `enabled` false, or for stages finer than the
 * configured detail, `run` calls the function and records nothing.
 */
export class StageRecorder {
  readonly records: StageRecord[] = [];
  private readonly maxRank: number;
  private readonly enabled: boolean;
  private readonly delays: InjectedDelays | undefined;
  private current = -1;

  /** `delays`: this request's `--inject-delay` plan, applied inside the stages it names. */
  constructor(detail: Detail, enabled = true, delays?: InjectedDelays) {
    this.maxRank = detailRank(detail);
    this.enabled = enabled;
    this.delays = delays;
  }

  /** Whether a stage at `level` would be recorded. */
  wants(level: Detail): boolean {
    return this.enabled && detailRank(level) <= this.maxRank;
  }

  /** Runs `fn` as stage `name`; `attributes` may be filled in by `fn` through the returned object. */
  run<T>(name: string, level: Detail, fn: (attributes: StageAttributes) => T, attributes: StageAttributes = {}): T {
    const delayMs = delayFor(this.delays, name);
    if (delayMs > 0) {
      attributes[ATTR.INJECTED_DELAY_MS] = delayMs;
      const work = fn;
      fn = (a) => {
        holdThread(delayMs);
        return work(a);
      };
    }
    if (!this.wants(level)) return fn(attributes);
    const index = this.records.length;
    const record: StageRecord = { name, startMs: nowMs(), endMs: 0, parent: this.current, attributes };
    this.records.push(record);
    const parent = this.current;
    this.current = index;
    try {
      return fn(attributes);
    } finally {
      record.endMs = nowMs();
      this.current = parent;
    }
  }

  /** Adds a stage whose times are already known (a device timeline, for example). Returns its index. */
  add(
    name: string,
    level: Detail,
    startMs: number,
    endMs: number,
    attributes?: StageAttributes,
    parent = this.current,
  ): number {
    if (!this.wants(level)) return -1;
    this.records.push({ name, startMs, endMs, parent, ...(attributes ? { attributes } : {}) });
    return this.records.length - 1;
  }
}
