/**
 * Running statistics of one span name or path: Welford mean/variance, errors, self time, start
 * offsets, the slowest few spans and a LogHistogram. Mergeable (Chan et al.'s parallel variance)
 * and convertible to and from the document's statistics entry.
 */
import { type Exemplar, QUANTILE_FIELDS, type SpanStatistics } from './document.ts';
import { LogHistogram, type LogHistogramOptions } from './sketch.ts';

/** Exemplars kept per name or path. */
export const MAX_EXEMPLARS = 5;

export class DurationStats {
  readonly sketch: LogHistogram;
  errors = 0;
  mean = 0;
  /** Sum of squared deviations from the mean (Welford's M2). */
  m2 = 0;
  selfTotalMs = 0;
  startOffsetTotalMs = 0;
  readonly #exemplarMs = new Float64Array(MAX_EXEMPLARS);
  readonly #exemplarTrace: string[] = new Array<string>(MAX_EXEMPLARS).fill('');
  readonly #exemplarSpan: string[] = new Array<string>(MAX_EXEMPLARS).fill('');
  #exemplars = 0;
  /** A duration must exceed this to become an exemplar (the smallest kept, once full). */
  exemplarFloorMs = -Infinity;

  /** `sketch`, when given, is taken as this entry's histogram (it must be new or unshared). */
  constructor(sketchOptions?: LogHistogramOptions, sketch?: LogHistogram) {
    this.sketch = sketch ?? new LogHistogram(sketchOptions);
  }

  get count(): number {
    return this.sketch.count;
  }

  /** Records one span; `durationMs` must be finite and >= 0. */
  record(durationMs: number, selfMs: number, error: boolean, startOffsetMs: number): void {
    this.sketch.add(durationMs);
    const delta = durationMs - this.mean;
    this.mean += delta / this.sketch.count;
    this.m2 += delta * (durationMs - this.mean);
    this.selfTotalMs += selfMs;
    this.startOffsetTotalMs += startOffsetMs;
    if (error) this.errors++;
  }

  /** Offers a span as an exemplar; callers check `durationMs > exemplarFloorMs` first to skip the work. */
  offerExemplar(durationMs: number, traceId: string, spanId: string): void {
    let slot = this.#exemplars;
    if (slot < MAX_EXEMPLARS) {
      this.#exemplars++;
    } else {
      slot = 0;
      for (let i = 1; i < MAX_EXEMPLARS; i++) if (this.#exemplarMs[i]! < this.#exemplarMs[slot]!) slot = i;
      if (!(durationMs > this.#exemplarMs[slot]!)) return;
    }
    this.#exemplarMs[slot] = durationMs;
    this.#exemplarTrace[slot] = traceId;
    this.#exemplarSpan[slot] = spanId;
    if (this.#exemplars === MAX_EXEMPLARS) {
      let floor = Infinity;
      for (let i = 0; i < MAX_EXEMPLARS; i++) if (this.#exemplarMs[i]! < floor) floor = this.#exemplarMs[i]!;
      this.exemplarFloorMs = floor;
    }
  }

  /** The kept exemplars, slowest first. */
  exemplars(): Exemplar[] {
    const list: Exemplar[] = [];
    for (let i = 0; i < this.#exemplars; i++) {
      list.push({
        trace_id: this.#exemplarTrace[i]!,
        span_id: this.#exemplarSpan[i]!,
        duration_ms: this.#exemplarMs[i]!,
      });
    }
    return list.sort((a, b) => b.duration_ms - a.duration_ms);
  }

  /** Adds `other` into this, as if this had recorded its spans too. Throws on incompatible sketches. */
  merge(other: DurationStats): void {
    const n1 = this.count;
    const n2 = other.count;
    const exemplars = other.exemplars();
    const otherMean = other.mean;
    const otherM2 = other.m2;
    this.sketch.merge(other.sketch);
    if (n2 === 0) return;
    const n = n1 + n2;
    const delta = otherMean - this.mean;
    this.mean += (delta * n2) / n;
    this.m2 += otherM2 + (delta * delta * n1 * n2) / n;
    this.errors += other.errors;
    this.selfTotalMs += other.selfTotalMs;
    this.startOffsetTotalMs += other.startOffsetTotalMs;
    for (const e of exemplars) {
      if (e.duration_ms > this.exemplarFloorMs && !this.#hasExemplar(e.span_id))
        this.offerExemplar(e.duration_ms, e.trace_id, e.span_id);
    }
  }

  #hasExemplar(spanId: string): boolean {
    for (let i = 0; i < this.#exemplars; i++) if (this.#exemplarSpan[i] === spanId) return true;
    return false;
  }

  reset(): void {
    this.sketch.reset();
    this.errors = 0;
    this.mean = 0;
    this.m2 = 0;
    this.selfTotalMs = 0;
    this.startOffsetTotalMs = 0;
    this.#exemplars = 0;
    this.exemplarFloorMs = -Infinity;
  }

  /** The document's statistics fields (count must be > 0). */
  toStatistics(): SpanStatistics {
    const n = this.count;
    const statistics = {
      count: n,
      errors: this.errors,
      total_ms: this.sketch.sum,
      mean_ms: this.mean,
      stddev_ms: n > 1 ? Math.sqrt(this.m2 / (n - 1)) : 0,
      min_ms: this.sketch.min,
      max_ms: this.sketch.max,
    } as SpanStatistics;
    for (const [q, field] of QUANTILE_FIELDS) statistics[field] = this.sketch.quantile(q);
    statistics.self_total_ms = this.selfTotalMs;
    statistics.self_mean_ms = this.selfTotalMs / n;
    statistics.exemplars = this.exemplars();
    statistics.sketch = this.sketch.toJSON();
    return statistics;
  }

  /** Rebuilds statistics from a document entry (already structurally validated). Throws on a bad sketch. */
  static fromStatistics(entry: SpanStatistics, startOffsetMeanMs = 0): DurationStats {
    const sketch = LogHistogram.fromJSON(entry.sketch);
    if (sketch.count !== entry.count)
      throw new Error(`count ${entry.count} disagrees with its sketch's count ${sketch.count}`);
    const stats = new DurationStats({
      relativeAccuracy: sketch.relativeAccuracy,
      minTrackableMs: sketch.minTrackableMs,
      maxTrackableMs: sketch.maxTrackableMs,
    });
    stats.sketch.merge(sketch);
    const n = entry.count;
    stats.errors = entry.errors;
    stats.mean = entry.mean_ms;
    stats.m2 = n > 1 ? entry.stddev_ms * entry.stddev_ms * (n - 1) : 0;
    stats.selfTotalMs = entry.self_total_ms;
    stats.startOffsetTotalMs = startOffsetMeanMs * n;
    for (const e of entry.exemplars)
      if (e.duration_ms > stats.exemplarFloorMs) stats.offerExemplar(e.duration_ms, e.trace_id, e.span_id);
    return stats;
  }
}
