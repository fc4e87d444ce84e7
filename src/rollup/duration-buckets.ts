/**
 * The bucket bounds of `amanuensis_span_duration_seconds`, chosen for this pipeline, and the index
 * of the bucket a duration falls in (the same rule sdk-metrics uses, so exemplars sit on the
 * bucket that counted their span).
 *
 * 36 finite bounds + `+Inf` + `_sum` + `_count` = 39 series per span name, under the 40 a
 * Prometheus operator accepts for one histogram. Dense where the pipeline's spans live (medians
 * from a `profile` run), sparse elsewhere:
 * - 10 µs .. 0.5 ms, 6 bounds: npu.buffer_transfer, npu.queue_wait, mel.normalize,
 *   worker.setup, response.render and admission.wait have medians of 7 to 50 µs. They matter
 *   once they stop being small, so a factor of 2 to 2.5 between bounds is enough.
 * - 1 ms .. 10 s, 25 bounds of a 1-1.5-2-3-5-7.5 series (at most 1.67x apart): the mel steps,
 *   NPU kernels (10 ms), worker hand-offs, decoder steps, encoder and decoder passes and
 *   `transcribe` (about 1 s, tails to seconds under load).
 * - 20 s .. 600 s, 5 bounds: slow uploads (a request has 120 s to arrive) and long audio (600 s
 *   at most), so nothing real piles up in `+Inf`.
 * The precise quantiles (1 % relative error) are in span-summary.json; these buckets are for
 * alerts and graphs.
 */

/** Upper bounds in seconds, ascending. */
export const SPAN_DURATION_BOUNDS_S: readonly number[] = Object.freeze([
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02,
  0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 20, 60, 120, 300, 600,
]);

/** Buckets including `+Inf`. */
export const SPAN_DURATION_BUCKETS = SPAN_DURATION_BOUNDS_S.length + 1;

/**
 * The bucket of `seconds`: the first bound >= it (buckets are `(previous, bound]`, as `le` reads),
 * or SPAN_DURATION_BOUNDS_S.length for `+Inf`. A binary search of 6 steps.
 */
export function durationBucket(seconds: number, bounds: readonly number[] = SPAN_DURATION_BOUNDS_S): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid]! < seconds) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
